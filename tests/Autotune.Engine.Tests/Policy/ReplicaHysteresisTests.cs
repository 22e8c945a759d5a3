using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// Replicas move in a band: a scale-in may leave the others at up to 78% CPU, a scale-out starts at 80% (objective met
/// or not), and the headroom a scale-out added beyond the need is given back once.
/// </summary>
public sealed class ReplicaHysteresisTests
{
    private static readonly TuningState ComfortableLongEnough = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

    private static TuningState After(params (Knob Knob, int From, int To, string Reason, int MinutesAgo)[] moves) => ComfortableLongEnough with
    {
        History = [.. moves.Select(m => Given.Change(m.Knob, m.From, m.To, m.Reason, Bottleneck.CpuSaturated, Given.Now.AddMinutes(-m.MinutesAgo), Given.Healthy(), "moved"))],
    };

    /// <summary>After a scale-out: 4 pods at 55% CPU, well inside the objective.</summary>
    private static ObservedWindow ScaledOut() => Given.Healthy() with { Pods = 4, P99Ms = 48, CpuUtilization = 0.55, PoolUsage = 0.05, AppliedPoolSize = 10 };

    [Fact]
    public void Gives_back_once_the_replicas_a_scale_out_added_beyond_the_need()
    {
        var d = TuningEngine.Decide(Given.Input(ScaledOut(), state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        // 73.3% is past comfortable CPU, so the idle pool comes down first in the same plan (PoolWithReplicaTests).
        Assert.Contains((Knob.Replicas, 4, 3), d.Plan.Select(s => (s.Knob, s.From, s.To)));
        Assert.Contains("3 replicas would run at 73.3% CPU", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_give_back_replicas_a_second_time_within_the_hour_at_similar_load()
    {
        // Given back 4 -> 3, added again 3 -> 4: replicas already reversed once this hour.
        var state = After((Knob.Replicas, 3, 4, DecisionReasons.AddReplicas, 10), (Knob.Replicas, 4, 3, DecisionReasons.GiveBackCapacity, 30),
            (Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 40));

        var d = TuningEngine.Decide(Given.Input(ScaledOut(), state: state, settings: new Settings(4, 16, 10, 200)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.ReversalSuppressed, d.Reason);
    }

    [Fact]
    public void Does_not_undo_a_replica_move_that_was_not_a_scale_out_within_the_hour_at_similar_load()
    {
        // A rollback of a give-back (replicas 3 -> 4) is no headroom to return: lowering them again waits.
        var d = TuningEngine.Decide(Given.Input(ScaledOut(), state: After((Knob.Replicas, 3, 4, DecisionReasons.Rollback, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.Equal(DecisionReasons.ReversalSuppressed, d.Reason);
    }

    [Theory]
    [InlineData(0.65)]
    [InlineData(0.79)]
    public void Neither_gives_back_nor_adds_replicas_between_60_and_80_percent_cpu(double cpu)
    {
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 60, CpuUtilization = cpu }, state: ComfortableLongEnough));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(Bottleneck.None, d.Bottleneck);
        Assert.Equal(DecisionReasons.ObjectiveMet, d.Reason);
    }

    [Fact]
    public void Adds_replicas_at_80_percent_cpu_while_the_objective_is_met()
    {
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.8 }));

        // 3 x 80% / 60% = 4 replicas' worth, and a little more: 5.
        Assert.Equal(Bottleneck.CpuSaturated, d.Bottleneck);
        Assert.Equal((Knob.Replicas, 3, 5), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void Gives_back_a_replica_past_78_percent_cpu_when_the_latency_predicted_there_stays_comfortable()
    {
        // The cpu-bound case after its scale-out: 4 pods at 59.8%, P99 48 ms; 3 would run at 79.7%, where the wait for a
        // core grows (0.797 / 0.203) / (0.598 / 0.402) = 2.64x: P99 at most 127 ms, under 70% of 250 ms.
        var d = TuningEngine.Decide(Given.Input(ScaledOut() with { CpuUtilization = 0.598 }, state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Contains((Knob.Replicas, 4, 3), d.Plan.Select(s => (s.Knob, s.From, s.To)));
        Assert.Contains("p99 to at most 127 ms", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_a_replica_past_78_percent_cpu_when_the_latency_predicted_there_is_not_comfortable()
    {
        // The same load with P99 at 80 ms: 2.64 x 80 = 211 ms > 175 ms (70% of the objective).
        var d = TuningEngine.Decide(Given.Input(ScaledOut() with { CpuUtilization = 0.598, P99Ms = 80 }, state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.NotEqual(Knob.Replicas, d.Knob);
    }

    [Fact]
    public void Keeps_a_replica_the_others_would_carry_at_more_than_85_percent_cpu_however_low_the_latency()
    {
        // 4 pods at 65%: 3 would run at 86.7%, past the ceiling, even with P99 at 10 ms.
        var d = TuningEngine.Decide(Given.Input(ScaledOut() with { CpuUtilization = 0.65, P99Ms = 10 }, state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.NotEqual(Knob.Replicas, d.Knob);
    }

    [Fact]
    public void Raises_minimum_threads_for_the_requests_in_flight_at_the_higher_cpu_before_giving_back_a_replica()
    {
        // Work queued for threads, 4 threads per pod at most: on 3 pods at 79.7% CPU the requests in flight per pod grow
        // as the wait for a core does (2.64x), to 10.6, not by the 4/3 of the load alone (5.3); x 1.5 headroom = 16.
        var w = ScaledOut() with { CpuUtilization = 0.598, QueueDepthMax = 3, ThreadsMax = 4, ThreadsFirst = 2, ThreadsLast = 2 };
        var d = TuningEngine.Decide(Given.Input(w, state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)), settings: new Settings(4, 2, 10, 200)));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Equal((Knob.ThreadPoolMinThreads, 2, 16), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void Counts_a_scale_out_landing_at_its_cpu_target_give_or_take_window_noise_as_comfortable()
    {
        // A scale-out sized for 60% lands at 60.4% on this window: still comfortable, so the stabilisation window runs on.
        var w = ScaledOut() with { CpuUtilization = 0.604 };
        var input = Given.Input(w, state: TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-120) }, settings: new Settings(4, 16, 10, 200));
        var d = TuningEngine.Decide(input);

        Assert.Equal(Bottleneck.OverProvisioned, d.Bottleneck);
        Assert.Equal(Given.Now.AddSeconds(-120), TuningStateTransitions.Next(input, d).ComfortableSince);
    }

    /// <summary>Replicas 4 -> 3 given back 90 minutes ago (past the reversal hour) on 4 pods at 59.8% CPU: 79.7% predicted.</summary>
    private static TuningState GivenBackToEightyPercent() => TuningState.Empty with
    {
        History =
        [
            Given.Change(Knob.Replicas, 4, 3, DecisionReasons.GiveBackCapacity, Bottleneck.OverProvisioned, Given.Now.AddMinutes(-90), ScaledOut() with { CpuUtilization = 0.598 }, "lowered"),
        ],
    };

    [Fact]
    public void Does_not_add_back_a_replica_whose_give_back_meant_the_others_to_run_at_this_cpu_at_similar_load()
    {
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 150, CpuUtilization = 0.809 }, state: GivenBackToEightyPercent(),
            settings: new Settings(3, 16, 10, 200)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.ObjectiveMet, d.Reason);
        Assert.Contains("replicas 4 -> 3 were given back to run here (79.7% predicted", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adds_a_replica_when_cpu_rises_past_where_a_give_back_meant_the_others_to_run()
    {
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 150, CpuUtilization = 0.83 }, state: GivenBackToEightyPercent(),
            settings: new Settings(3, 16, 10, 200)));

        Assert.Equal(DecisionReasons.AddReplicas, d.Reason);
    }

    [Fact]
    public void Grows_the_pool_before_giving_back_a_replica_whose_connections_the_others_could_not_hold()
    {
        var spec = Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };

        // 2 pods at 37.6% CPU with a pool of 6 half used: one pod would run at 75.2% CPU but fill 100% of its pool, so
        // the pool grows to 6 x 0.5 x 2 / 0.8 = 7.5 -> 8 first, inside the connection budget.
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { Pods = 2, P99Ms = 20, CpuUtilization = 0.376, PoolUsage = 0.5, AppliedPoolSize = 6 },
            spec, ComfortableLongEnough, new Settings(2, 16, 6, 300), Given.Ledger(maxConnections: 300)));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 6, 8), (d.Knob, d.From, d.To));
        Assert.All(d.Plan, s => Assert.True(s.PeakDemand <= s.Capacity, $"{s.Knob} needs {s.PeakDemand} of {s.Capacity}"));
    }
}
