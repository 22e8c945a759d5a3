using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

public sealed class ThreadAndCpuPolicyTests
{
    private static ObservedWindow Starved() => Given.Healthy() with
    {
        P50Ms = 200,
        P99Ms = 900,
        ShareUnderObjective = 0.7,
        QueueDepthMean = 60,
        QueueDepthSlopePerSecond = 2,
        CpuUtilization = 0.15,
        ThreadsFirst = 16,
        ThreadsLast = 50,
    };

    private static ObservedWindow CpuBound() => Given.Healthy() with { CpuUtilization = 0.9, P99Ms = 400, ShareUnderObjective = 0.95 };

    [Fact]
    public void Raises_min_threads_to_the_concurrency_littles_law_asks_for()
    {
        // At a minimum of 64 the pod runs 60 threads with 21 requests queued for them: 81 in flight x 1.5 = 122,
        // more than (100 rps per pod + 2/s queue growth) x 200 ms x 1.5 = 31 from completions.
        var d = TuningEngine.Decide(Given.Input(Starved() with { ThreadsFirst = 58, ThreadsLast = 60, QueueDepthMean = 21 },
            settings: new Settings(3, 64, 10, 200)));

        Assert.Equal(Bottleneck.ThreadStarvation, d.Bottleneck);
        Assert.Equal((Knob.ThreadPoolMinThreads, 64, 122), (d.Knob, d.From, d.To));
        Assert.Contains("Little's law asks for 122 threads per pod", d.Message, StringComparison.Ordinal);
        Assert.Null(d.Claim);
    }

    [Fact]
    public void Sizes_min_threads_from_requests_in_flight_when_completions_collapse()
    {
        // A starved pod completes 5 rps: completions x latency ask for 3 threads, the 84 requests in flight for 126.
        var starved = Starved() with { Rps = 15, Requests = 900, ThreadsFirst = 58, ThreadsLast = 60, QueueDepthMean = 21, ActiveRequestsMax = 84 };

        var d = TuningEngine.Decide(Given.Input(starved, settings: new Settings(3, 64, 10, 200)));

        Assert.Equal((Knob.ThreadPoolMinThreads, 64, 126), (d.Knob, d.From, d.To));
        Assert.Contains("84 requests in flight at the busiest scrape", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raises_min_threads_at_most_one_bounded_step()
    {
        var d = TuningEngine.Decide(Given.Input(Starved() with { P50Ms = 2000 }));

        Assert.Equal(32, d.To);
    }

    [Fact]
    public void Adds_replicas_when_cpu_is_saturated_over_the_objective()
    {
        var d = TuningEngine.Decide(Given.Input(CpuBound(), ledger: Given.Ledger(otherPool: 10)));

        Assert.Equal(Bottleneck.CpuSaturated, d.Bottleneck);
        Assert.Equal(DecisionReasons.AddReplicas, d.Reason);
        Assert.Equal((Knob.Replicas, 3, 5), (d.Knob, d.From, d.To));
        Assert.Equal(5, d.Claim?.Transition?.TargetReplicas);
    }

    [Fact]
    public void Shrinks_pools_before_adding_replicas_when_the_connection_budget_is_tight()
    {
        var d = TuningEngine.Decide(Given.Input(CpuBound(), settings: new Settings(3, 16, 10, 160), ledger: Given.Ledger(maxConnections: 160)));

        Assert.Equal(DecisionReasons.ShrinkPoolForReplicas, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 10, 7), (d.Knob, d.From, d.To));
        Assert.Equal([(Knob.DbMaxPoolSize, 7), (Knob.Replicas, 5)], d.Plan.Select(s => (s.Knob, s.To)));
        Assert.All(d.Plan, s => Assert.True(s.PeakDemand <= s.Capacity, $"{s.Knob} needs {s.PeakDemand} of {s.Capacity}"));
    }

    [Fact]
    public void Gives_back_a_replica_after_the_stabilization_window()
    {
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.3 }, state: state));

        Assert.Equal(Bottleneck.OverProvisioned, d.Bottleneck);
        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Equal((Knob.Replicas, 3, 2), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void Gives_back_pool_when_replicas_are_at_their_minimum()
    {
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.3, PoolUsage = 0.2, Pods = 2 },
            state: state, settings: new Settings(2, 16, 20, 200)));

        Assert.Equal((Knob.DbMaxPoolSize, 20, 15), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void Holds_while_comfortable_for_less_than_the_stabilization_window()
    {
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-100) };

        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.3 }, state: state));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.Stabilizing, d.Reason);
        Assert.Contains("100 s of the 300 s", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adds_several_replicas_in_one_step_when_arrivals_outrun_completions()
    {
        // CPU reads 95% but the queue grows 200/s per pod beside 100 completions: arrivals are 3x the completions,
        // so 3 x 0.95 x 3 / 0.6 = 15 replicas are wanted; one step reaches at most double or +3.
        var d = TuningEngine.Decide(Given.Input(CpuBound() with { CpuUtilization = 0.95, QueueDepthSlopePerSecond = 200, QueueDepthMean = 5 }));

        Assert.Equal(Bottleneck.CpuSaturated, d.Bottleneck);
        Assert.Equal((Knob.Replicas, 3, 6), (d.Knob, d.From, d.To));
        Assert.Contains("arrivals 3x the completions", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adds_replicas_before_the_objective_is_missed_when_cpu_leaves_no_headroom()
    {
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { CpuUtilization = 0.9 }));

        Assert.Equal(Bottleneck.CpuSaturated, d.Bottleneck);
        Assert.Equal((Knob.Replicas, 3, 5), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void Gives_back_the_last_replica_down_to_one_when_the_other_runs_at_most_78_percent_cpu()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        // The database-bound case: 2 pods at 37.6% leave one at 75.2%.
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 160, CpuUtilization = 0.376, PoolUsage = 0.3, Pods = 2 },
            spec, state, new Settings(2, 16, 10, 200)));

        Assert.Equal(Bottleneck.OverProvisioned, d.Bottleneck);
        Assert.Equal((Knob.Replicas, 2, 1), (d.Knob, d.From, d.To));
        Assert.Contains("1 replicas would run at 75.2% CPU", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_give_back_a_replica_the_others_would_run_over_78_percent_cpu()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.395, PoolUsage = 0.3, Pods = 2 },
            spec, state, new Settings(2, 16, 10, 200)));

        Assert.NotEqual(Knob.Replicas, d.Knob);
    }

    [Fact]
    public void Grows_the_pool_first_when_one_replica_fewer_would_fill_it()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        // Pool 20 per pod 75% used on 2 pods: on 1 pod 150% of it, so 15 x 2 / 0.8 = 37.5 -> 38 connections first.
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 150, CpuUtilization = 0.2, PoolUsage = 0.75, Pods = 2 },
            spec, state, new Settings(2, 16, 20, 200), Given.Ledger(otherPool: 2)));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 20, 38), (d.Knob, d.From, d.To));
        Assert.Contains("so the pool grows to 38 per pod first", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raises_min_threads_first_when_one_replica_fewer_would_starve_in_bursts()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        // 20 threads per pod with work queued at a scrape: 1 pod would run 40, past its minimum 16; 40 x 1.5 = 60,
        // bounded to double (32) this step.
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 150, CpuUtilization = 0.2, PoolUsage = 0.2, Pods = 2, QueueDepthMax = 3 },
            spec, state, new Settings(2, 16, 10, 200)));

        Assert.Equal((Knob.ThreadPoolMinThreads, 16, 32), (d.Knob, d.From, d.To));
        Assert.Contains("40 threads per pod, past their minimum 16", d.Message, StringComparison.Ordinal);
    }
}
