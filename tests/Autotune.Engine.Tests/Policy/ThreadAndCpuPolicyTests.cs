using Autotune.Engine.Decisions;
using Autotune.Engine.Model;
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
        var d = TuningEngine.Decide(Given.Input(Starved()));

        // (100 rps per pod + 2/s queue growth) x 200 ms x 1.5 = 31 threads.
        Assert.Equal(Bottleneck.ThreadStarvation, d.Bottleneck);
        Assert.Equal((Knob.ThreadPoolMinThreads, 16, 31), (d.Knob, d.From, d.To));
        Assert.Contains("Little's law asks for 31 threads per pod", d.Message, StringComparison.Ordinal);
        Assert.Null(d.Claim);
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
}
