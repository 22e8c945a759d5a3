using Autotune.Engine.Decisions;
using Autotune.Engine.Model;
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
        History = [.. moves.Select(m => new HistoryEntry(
            new Decision
            {
                Kind = DecisionKind.Change,
                Bottleneck = Bottleneck.CpuSaturated,
                Reason = m.Reason,
                Message = "moved",
                Knob = m.Knob,
                From = m.From,
                To = m.To,
                Time = Given.Now.AddMinutes(-m.MinutesAgo),
            },
            WindowSummary.Of(Given.Healthy())))],
    };

    /// <summary>After a scale-out: 4 pods at 55% CPU, well inside the objective.</summary>
    private static ObservedWindow ScaledOut() => Given.Healthy() with { Pods = 4, P99Ms = 48, CpuUtilization = 0.55, PoolUsage = 0.05, AppliedPoolSize = 10 };

    [Fact]
    public void Gives_back_once_the_replicas_a_scale_out_added_beyond_the_need()
    {
        var d = TuningEngine.Decide(Given.Input(ScaledOut(), state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.Equal(DecisionReasons.GiveBackCapacity, d.Reason);
        Assert.Equal((Knob.Replicas, 4, 3), (d.Knob, d.From, d.To));
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
    public void Keeps_replicas_a_scale_in_would_leave_at_the_cpu_where_replicas_are_added()
    {
        // The cpu-bound case after its scale-out: 4 pods at 59.8%; 3 would run at 79.7%, within half a point of 80%.
        var d = TuningEngine.Decide(Given.Input(ScaledOut() with { CpuUtilization = 0.598 }, state: After((Knob.Replicas, 2, 4, DecisionReasons.AddReplicas, 20)),
            settings: new Settings(4, 16, 10, 200)));

        Assert.NotEqual(Knob.Replicas, d.Knob);
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
