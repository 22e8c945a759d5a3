using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

public sealed class DiagnoserTests
{
    private static Finding Diagnose(ObservedWindow w, TuningState? state = null) =>
        Diagnoser.Diagnose(Given.Spec(), w, Given.Settings(), state ?? TuningState.Empty, Given.Now);

    [Fact]
    public void Names_thread_starvation_when_queue_grows_while_cpu_idles_and_threads_trickle_in()
    {
        var f = Diagnose(Given.Healthy() with { QueueDepthMean = 80, QueueDepthSlopePerSecond = 2, CpuUtilization = 0.2, ThreadsFirst = 16, ThreadsLast = 60 });

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
        Assert.Contains("queue 80 per pod > 20", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_call_a_busy_cpu_starvation()
    {
        var f = Diagnose(Given.Healthy() with { QueueDepthMean = 80, QueueDepthSlopePerSecond = 2, CpuUtilization = 0.95, P99Ms = 600, ShareUnderObjective = 0.9 });

        Assert.Equal(Bottleneck.CpuSaturated, f.Bottleneck);
    }

    [Fact]
    public void Names_pool_exhaustion_when_requests_wait_on_a_full_pool()
    {
        var f = Diagnose(Given.PoolExhausted());

        Assert.Equal(Bottleneck.PoolExhaustion, f.Bottleneck);
        Assert.Contains("pool wait p99 180 ms > 20 ms objective", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_wait_over_the_objective_on_a_mostly_idle_pool_is_named_not_the_pools_size()
    {
        // The proof's over-provisioned start, first window: pools of 64 opening their connections while the load began.
        var f = Diagnose(Given.Healthy() with
        {
            P99Ms = 1377,
            ShareUnderObjective = 0.846,
            PoolWaitP99Ms = 1572,
            PoolUsage = 0.102,
            PendingRequestsMean = 0,
            QueueDepthMean = 0.6,
            CpuUtilization = 0.288,
        });

        Assert.Equal(DecisionReasons.NoRemedy, f.HoldReason);
        Assert.Contains("no pool wait (1572 ms with the pool 10.2% used: not its size)", f.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1500, 600, true)] // 40 waiting on a pool of 10, 600 uses/s for 1,500 req/s arriving: full, whatever the scrapes saw
    [InlineData(1500, 1480, false)] // the same waiters, but the pool serves what arrives: a busy pool's queue, not exhaustion
    public void Names_pool_exhaustion_when_waiters_outnumber_a_pool_that_falls_behind_arrivals_even_if_scrapes_saw_it_below_full(double rps, double uses, bool exhausted)
    {
        var f = Diagnose(Given.PoolExhausted() with
        {
            Rps = rps,
            P99Ms = 2960,
            ShareUnderObjective = 0.35,
            PoolWaitP99Ms = 1965,
            PoolUsage = 0.83,
            PendingRequestsMean = 40,
            PoolTimeouts = 0,
            ConnectionUsesPerSecond = uses,
        });

        Assert.Equal(exhausted, f.Bottleneck == Bottleneck.PoolExhaustion);
    }

    [Fact]
    public void Names_database_saturation_when_a_pool_raise_inflated_hold_time_without_throughput()
    {
        var before = WindowSummary.Of(Given.PoolExhausted() with { ConnectionHoldMeanMs = 10, ConnectionUsesPerSecond = 2700 });
        var raise = new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.PoolExhaustion, Reason = "RaisePool", Message = "m", Knob = Knob.DbMaxPoolSize, From = 5, To = 10 };
        var state = TuningState.Empty with { History = [new HistoryEntry(raise, before)] };

        var f = Diagnose(Given.PoolExhausted() with { ConnectionHoldMeanMs = 21, ConnectionUsesPerSecond = 2750 }, state);

        Assert.Equal(Bottleneck.DatabaseSaturated, f.Bottleneck);
        Assert.Contains("10 ms -> 21 ms", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_over_provisioned_when_comfortably_under_every_objective()
    {
        var f = Diagnose(Given.Healthy() with { P99Ms = 60, CpuUtilization = 0.2 });

        Assert.Equal(Bottleneck.OverProvisioned, f.Bottleneck);
    }

    [Fact]
    public void Names_no_bottleneck_when_the_objective_is_met_without_room_to_give_back()
    {
        var f = Diagnose(Given.Healthy());

        Assert.Equal(Bottleneck.None, f.Bottleneck);
        Assert.False(f.Actionable);
    }

    [Fact]
    public void Leaves_unknown_numbers_out_of_the_evidence()
    {
        var f = Diagnose(Given.Healthy() with { CpuUtilization = double.NaN });

        Assert.All(f.Evidence.Values, v => Assert.True(double.IsFinite(v)));
        Assert.DoesNotContain("cpuUtilization", f.Evidence.Keys);
    }
}
