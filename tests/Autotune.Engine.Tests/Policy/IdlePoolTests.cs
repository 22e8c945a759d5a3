using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// A pool far above the connections ever in use comes back down on that evidence. Measured case (the simulator's
/// busy-async-over-provisioned): a pool of 64 with at most 6 connections in use at any scrape, P99 4.7 ms against a
/// 100 ms objective, CPU at 91% with replicas at their budget's maximum; static pools of 64, 16 and 8 hold that P99.
/// </summary>
public sealed class IdlePoolTests
{
    private static ApiTuningSpec Spec(int poolMin = 2) => Given.OnePodSpec(poolMax: 80, poolMin: poolMin, p99LatencyMs: 100);

    /// <summary>One busy async pod at 12k req/s: CPU 91%, P99 4.7 ms, at most 6 connections in use at any scrape.</summary>
    private static ObservedWindow Busy(int pool = 64) => Given.Healthy() with
    {
        Pods = 1,
        Rps = 12_000,
        Requests = 12_000 * 60,
        P50Ms = 2,
        P99Ms = 4.7,
        ShareUnderObjective = 1,
        PoolWaitP99Ms = 0.1,
        ConnectionHoldMeanMs = 0.45,
        ConnectionUsesPerSecond = 12_000,
        PendingRequestsMean = 0,
        PoolUsage = 5.4 / pool,
        PoolInUseMax = 6,
        ThreadsFirst = 11,
        ThreadsLast = 11,
        CpuUtilization = 0.91,
        ActiveRequestsMean = 30,
        ActiveRequestsSlopePerSecond = 0,
        AppliedMinThreads = 5,
        AppliedPoolSize = pool,
    };

    private static readonly TuningState TwoIdleWindows = TuningState.Empty with { PoolPeaks = [5, 6] };

    private static Decision Decide(ObservedWindow w, int pool, TuningState? state = null, ApiTuningSpec? spec = null) =>
        TuningEngine.Decide(Given.Input(w, spec: spec ?? Spec(), state: state ?? TwoIdleWindows, settings: new Settings(1, 5, pool, 400), ledger: Given.Ledger(maxConnections: 400)));

    [Fact]
    public void An_idle_surplus_comes_down_at_most_halved_per_step()
    {
        var d = Decide(Busy(), 64);

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.TrimIdlePool, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 64, 32), (d.Knob, d.From, d.To));
        Assert.Contains("at most 6 of the pool's 64 connections", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_last_step_stops_at_the_peak_with_headroom()
    {
        var d = Decide(Busy(16), 16);

        Assert.Equal(DecisionReasons.TrimIdlePool, d.Reason);
        Assert.Equal(9, d.To);
    }

    [Fact]
    public void A_pool_whose_peak_is_over_half_of_it_stays()
    {
        var d = Decide(Busy(11), 11);

        Assert.NotEqual(DecisionReasons.TrimIdlePool, d.Reason);
        Assert.Null(d.Knob);
    }

    [Fact]
    public void Requests_waiting_for_a_connection_of_a_pool_busy_half_the_time_keep_the_pool()
    {
        // 12,000 uses a second held 3 ms each keep 36 of the 64 connections busy on average (56%), though the scrapes
        // sampled at most 6 in use.
        var halfBusy = Busy() with { ConnectionHoldMeanMs = 3 };

        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(halfBusy with { PendingRequestsMean = 0.5 }, 64).Reason);
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(halfBusy with { PoolWaitP99Ms = 15 }, 64).Reason);
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy() with { PoolTimeouts = 1 }, 64).Reason);
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy() with { PoolTimeouts = 1, PoolWaitP99Ms = 15 }, 64).Reason);
    }

    [Fact]
    public void A_wait_on_a_pool_in_use_under_half_the_time_is_not_its_size()
    {
        // 8% in use at the scrapes and by uses x hold time: the requests waited for connections opening or for a core.
        var d = Decide(Busy() with { PendingRequestsMean = 0.5, PoolWaitP99Ms = 27 }, 64);

        Assert.Equal((DecisionReasons.TrimIdlePool, 64, 32), (d.Reason, d.From, d.To));
        Assert.Contains("nobody waiting for one to come free (pool wait p99 27 ms with the pool 8.4% used at the scrapes and 8.4% busy by uses x hold time", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_margin_under_the_objective_the_pool_stays()
    {
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy() with { P99Ms = 80 }, 64).Reason);
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy() with { ShareUnderObjective = 0.98 }, 64).Reason);
    }

    [Fact]
    public void The_peak_of_every_recent_window_counts_and_too_few_windows_say_nothing()
    {
        // A burst two windows ago used 40 connections: over half of 64.
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy(), 64, TuningState.Empty with { PoolPeaks = [6, 40] }).Reason);
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy(), 64, TuningState.Empty with { PoolPeaks = [6] }).Reason);
        Assert.NotEqual(DecisionReasons.TrimIdlePool, Decide(Busy() with { PoolInUseMax = double.NaN }, 64).Reason);
    }

    [Fact]
    public void Never_below_the_budget_minimum()
    {
        var d = Decide(Busy(16) with { PoolInUseMax = 2 }, 16, TuningState.Empty with { PoolPeaks = [1, 2] }, Spec(poolMin: 12));

        Assert.Equal((DecisionReasons.TrimIdlePool, 12), (d.Reason, d.To));
        Assert.Null(Decide(Busy(12) with { PoolInUseMax = 2 }, 12, TuningState.Empty with { PoolPeaks = [1, 2] }, Spec(poolMin: 12)).Knob);
    }

    [Fact]
    public void Never_down_to_a_floor_a_lowering_was_judged_worse_at()
    {
        var floor = new KnobKnee { Knob = Knob.DbMaxPoolSize, Floor = 20, LoadRps = 12_000, InFlight = 30 };

        var d = Decide(Busy(32), 32, TwoIdleWindows with { Knees = [floor] });

        Assert.Equal((DecisionReasons.TrimIdlePool, 21), (d.Reason, d.To));
        Assert.Null(Decide(Busy(21), 21, TwoIdleWindows with { Knees = [floor] }).Knob);
    }

    [Fact]
    public void A_lowering_judged_worse_is_rolled_back_barred_and_its_value_becomes_the_floor()
    {
        var before = Busy(32);
        var state = Given.Confirmed(TwoIdleWindows, Knob.DbMaxPoolSize, 32, 16, DecisionReasons.TrimIdlePool, before);

        // Within the objective (with margin, even), but P99 rose 4.7 -> 30 ms at the same load with requests now waiting
        // for a connection: worse, and the trim's doing.
        var worse = Busy(16) with { P99Ms = 30, PoolWaitP99Ms = 25, PendingRequestsMean = 3, AppliedGenerationMin = 5 };
        var input = Given.Input(worse, spec: Spec(), state: state, settings: new Settings(1, 5, 16, 400), ledger: Given.Ledger(maxConnections: 400));
        var d = TuningEngine.Decide(input);
        var next = TuningStateTransitions.Next(input, d, expectedGeneration: 6);

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((Knob.DbMaxPoolSize, 16, 32), (d.Knob, d.From, d.To));
        Assert.Equal(16, Assert.Single(next.Knees).Floor);
        Assert.Contains(next.Barred, b => b is { Knob: Knob.DbMaxPoolSize, Direction: Direction.Down });

        // Back at 32, with the rollback applied and its cooldown over, the idle surplus is still there but the lowering is barred.
        var later = Given.Now.AddMinutes(10);
        var again = TuningEngine.Decide(Given.Input(Busy(32) with { Start = later.AddSeconds(-60), End = later }, spec: Spec(),
            state: next with { Pending = null }, settings: new Settings(1, 5, 32, 400), ledger: Given.Ledger(maxConnections: 400), now: later));
        Assert.NotEqual(DecisionReasons.TrimIdlePool, again.Reason);
    }

    [Theory]
    [InlineData(12_000, false)] // P99 4.7 -> 30 ms with nobody waiting for a connection: not the trim's doing, kept
    [InlineData(10_000, true)] // and with 17% less served to the same 30 requests in flight: the throughput rule still rolls it back
    public void A_trim_nobody_waits_for_a_connection_after_is_judged_on_throughput_alone(double servedAfter, bool rolledBack)
    {
        var state = Given.Confirmed(TwoIdleWindows, Knob.DbMaxPoolSize, 32, 16, DecisionReasons.TrimIdlePool, Busy(32));
        var after = Busy(16) with { P99Ms = 30, Rps = servedAfter, Requests = servedAfter * 60, AppliedGenerationMin = 5 };

        var d = TuningEngine.Decide(Given.Input(after, spec: Spec(), state: state, settings: new Settings(1, 5, 16, 400), ledger: Given.Ledger(maxConnections: 400)));

        Assert.True((d.Kind == DecisionKind.Rollback) == rolledBack, d.Message);
        if (rolledBack)
        {
            Assert.Contains("throughput fell 12000 -> 10000 rps", d.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Each_window_records_its_peak_newest_first_and_one_without_it_clears_them()
    {
        var input = Given.Input(Busy() with { PoolInUseMax = 7 }, spec: Spec(), state: TuningState.Empty with { PoolPeaks = [6, 5, 4] }, settings: new Settings(1, 5, 64, 400));
        var hold = new Decision { Kind = DecisionKind.Hold, Bottleneck = Bottleneck.None, Reason = DecisionReasons.ObjectiveMet, Message = "holding", Time = Given.Now };

        Assert.Equal([7d, 6, 5], TuningStateTransitions.Next(input, hold).PoolPeaks);
        Assert.Empty(TuningStateTransitions.Next(input with { Window = Busy() with { PoolInUseMax = double.NaN } }, hold).PoolPeaks);
    }

    [Fact]
    public void Any_lowering_stays_within_half_the_pool_the_budget_minimum_the_floor_and_the_peak_with_headroom()
    {
        var gen =
            from pool in Gen.Int[3, 80]
            from min in Gen.Int[2, 40]
            from peaks in Gen.Double[0, 40].Array[3]
            from hasFloor in Gen.Bool
            from floorValue in Gen.Int[0, 60]
            select (pool, min, peaks, floor: hasFloor ? floorValue : (int?)null);

        gen.Sample(t =>
        {
            var knees = t.floor is { } f ? [new KnobKnee { Knob = Knob.DbMaxPoolSize, Floor = f, LoadRps = 12_000, InFlight = 30 }] : Array.Empty<KnobKnee>();
            var state = TuningState.Empty with { PoolPeaks = [t.peaks[1], t.peaks[2]], Knees = knees };
            var d = Decide(Busy(t.pool) with { PoolInUseMax = t.peaks[0] }, t.pool, state, Spec(t.min));
            if (d.Reason != DecisionReasons.TrimIdlePool)
            {
                return;
            }

            var peak = t.peaks.Max();
            Assert.True(peak <= t.pool / 2.0, $"peak {peak} of {t.pool}");
            Assert.InRange(d.To!.Value, Math.Max(t.min, Math.Max((t.pool + 1) / 2, (int)Math.Ceiling(peak * 1.5))), t.pool - 1);
            Assert.True(t.floor is null || d.To > t.floor, $"to {d.To} at floor {t.floor}");
        });
    }
}
