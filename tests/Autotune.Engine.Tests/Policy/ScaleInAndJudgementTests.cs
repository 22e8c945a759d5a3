using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

public sealed class ScaleInAndJudgementTests
{
    private static ApiTuningSpec DownToOne() =>
        Given.Spec() with { Knobs = Given.Spec().Knobs with { Replicas = new() { Min = 1, Max = 20 } } };

    [Fact]
    public void Consolidates_replicas_when_growing_the_pool_first_does_not_fit_the_connection_budget()
    {
        var state = TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400) };

        // 2 pods, pool 20, 75% used; 86 connections for everyone. Growing to 38 on 2 pods while old pools drain
        // needs 2 x (15 + 38) + 38 + 10 others = 154; after the replica goes, a pool of 30 fits (15 + 2 x 30 + 10 = 85)
        // and holds the 30 connections the one pod will have busy.
        var d = TuningEngine.Decide(Given.Input(Given.Healthy() with { P99Ms = 150, CpuUtilization = 0.2, PoolUsage = 0.75, Pods = 2 },
            DownToOne(), state, new Settings(2, 16, 20, 100), Given.Ledger(maxConnections: 100, otherPool: 2)));

        Assert.Equal(DecisionReasons.ConsolidateReplicas, d.Reason);
        Assert.Equal((Knob.Replicas, 2, 1), (d.Knob, d.From, d.To));
        Assert.Equal([(Knob.Replicas, 1), (Knob.DbMaxPoolSize, 30)], d.Plan.Select(s => (s.Knob, s.To)));
        Assert.All(d.Plan, s => Assert.True(s.PeakDemand <= s.Capacity, $"{s.Knob} needs {s.PeakDemand} of {s.Capacity}"));
    }

    [Fact]
    public void Raises_the_pool_after_a_consolidation_instead_of_rolling_it_back()
    {
        var before = WindowSummary.Of(Given.Healthy() with { P99Ms = 150, CpuUtilization = 0.2, PoolUsage = 0.75, Pods = 2 });
        var pending = new PendingChange
        {
            Knob = Knob.Replicas,
            From = 2,
            To = 1,
            Reason = DecisionReasons.ConsolidateReplicas,
            DecidedAt = Given.Now.AddSeconds(-120),
            Before = before,
        };
        var state = TuningState.Empty with { Pending = pending };

        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { Pods = 1 }, DownToOne(), state, new Settings(1, 16, 20, 200)));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.RaisePool, d.Reason);
        Assert.Equal(Knob.DbMaxPoolSize, d.Knob);
    }

    [Fact]
    public void Scales_out_when_load_moves_while_a_give_back_warms()
    {
        var pending = WarmingPoolGiveBack();
        var spike = Given.Healthy() with { Rps = 900, Requests = 54000, CpuUtilization = 0.95, P99Ms = 900, ShareUnderObjective = 0.8, AppliedPoolSize = 5 };

        var d = TuningEngine.Decide(Given.Input(spike, state: TuningState.Empty with { Pending = pending }, settings: new Settings(3, 16, 5, 200)));

        Assert.Equal(DecisionReasons.AddReplicas, d.Reason);
        Assert.Equal(Knob.Replicas, d.Knob);
    }

    [Fact]
    public void Keeps_waiting_for_a_warming_give_back_at_similar_load()
    {
        var pending = WarmingPoolGiveBack();
        var busy = Given.Healthy() with { CpuUtilization = 0.95, P99Ms = 900, ShareUnderObjective = 0.8, AppliedPoolSize = 5 };

        var d = TuningEngine.Decide(Given.Input(busy, state: TuningState.Empty with { Pending = pending }, settings: new Settings(3, 16, 5, 200)));

        Assert.Equal(DecisionReasons.AwaitingWarmup, d.Reason);
    }

    [Fact]
    public void Keeps_a_replica_give_back_when_the_window_after_it_shows_the_database_saturated()
    {
        var d = TuningEngine.Decide(Given.Input(DatabaseCollapsedAfterScaleIn(cpu: 0.45), DownToOne(), ScaleInJudged(), new Settings(1, 16, 60, 500),
            Given.Ledger(maxConnections: 500)));

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
        Assert.NotEqual(Knob.Replicas, d.Knob);
        Assert.Equal(PendingStatus.Accepted, ChangeJudge.Evaluate(Given.Input(DatabaseCollapsedAfterScaleIn(cpu: 0.45), DownToOne(), ScaleInJudged(),
            new Settings(1, 16, 60, 500), Given.Ledger(maxConnections: 500))).Status);
    }

    [Fact]
    public void Rolls_back_a_replica_give_back_that_left_the_pods_cpu_saturated_over_the_objective()
    {
        var d = TuningEngine.Decide(Given.Input(DatabaseCollapsedAfterScaleIn(cpu: 0.95), DownToOne(), ScaleInJudged(), new Settings(1, 16, 60, 500),
            Given.Ledger(maxConnections: 500)));

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((Knob.Replicas, 1, 2), (d.Knob, d.From, d.To));
    }

    /// <summary>Replicas 2 -> 1 given back on a healthy window (connections held 4.34 ms at 1508 uses/s), confirmed and warmed.</summary>
    private static TuningState ScaleInJudged()
    {
        var before = WindowSummary.Of(Given.Healthy() with { Pods = 2, Rps = 1500, Requests = 90000, P99Ms = 20, ConnectionHoldMeanMs = 4.34, ConnectionUsesPerSecond = 1508, PoolUsage = 0.05 });
        var giveBack = new Decision
        {
            Kind = DecisionKind.Change,
            Bottleneck = Bottleneck.OverProvisioned,
            Reason = DecisionReasons.GiveBackCapacity,
            Message = "lowered",
            Knob = Knob.Replicas,
            From = 2,
            To = 1,
            Time = Given.Now.AddMinutes(-3),
        };
        return TuningState.Empty with
        {
            History = [new HistoryEntry(giveBack, before)],
            Pending = new PendingChange
            {
                Knob = Knob.Replicas,
                From = 2,
                To = 1,
                Reason = DecisionReasons.GiveBackCapacity,
                DecidedAt = Given.Now.AddMinutes(-3),
                ConfirmedAt = Given.Now.AddMinutes(-2),
                Before = before,
            },
        };
    }

    /// <summary>
    /// The window after, as the database-bound scenario showed it: the collapse begins mid-window, so the pool is 61%
    /// used on average, thousands of requests wait, and connections are held 28.4 ms, 6.5x the 4.34 ms before.
    /// </summary>
    private static ObservedWindow DatabaseCollapsedAfterScaleIn(double cpu) => Given.Healthy() with
    {
        Pods = 1,
        Rps = 1290,
        Requests = 77400,
        P99Ms = 26542,
        ShareUnderObjective = 0.5,
        PoolWaitP99Ms = 14614,
        PoolUsage = 0.61,
        PendingRequestsMean = 3813,
        ConnectionHoldMeanMs = 28.4,
        ConnectionUsesPerSecond = 1290,
        CpuUtilization = cpu,
        AppliedPoolSize = 60,
    };

    /// <summary>A pool give-back (6 -> 5) decided a minute ago, judged against a healthy window, still warming.</summary>
    private static PendingChange WarmingPoolGiveBack() => new()
    {
        Knob = Knob.DbMaxPoolSize,
        From = 6,
        To = 5,
        Reason = DecisionReasons.GiveBackCapacity,
        DecidedAt = Given.Now.AddSeconds(-60),
        Before = WindowSummary.Of(Given.Healthy()),
    };
}
