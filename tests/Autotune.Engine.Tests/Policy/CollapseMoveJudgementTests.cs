using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// A move made during a collapse is judged on the requests answered without an error, not on the share under the
/// objective: while a backlog drains, that share falls even as goodput rises. Measured in the demo (run of 02:08 UTC):
/// minimum threads 18 -> 27 took the service from 91.9 to 195 rps completed (46.8 before answered without an error;
/// the after window is modelled here with half of its completions shed), and was rolled back
/// because the share under the objective fell 90.1% -> 52.1%; recovery then took 85 s instead of about 60.
/// </summary>
public sealed class CollapseMoveJudgementTests
{
    /// <summary>02:10:53: 104 rps arriving, 91.9 completed of which 49% failed or were shed, 106 requests in flight.</summary>
    private static ObservedWindow Collapsed() => Given.Healthy() with
    {
        Start = Given.Now.AddSeconds(-48),
        End = Given.Now.AddSeconds(-36),
        Pods = 1,
        Rps = 91.9,
        Requests = 1103,
        P50Ms = 5_000,
        P99Ms = 30_000,
        ShareUnderObjective = 0.901,
        ErrorRate = 0.49,
        PoolWaitP99Ms = 30_000,
        PendingRequestsMean = 46.6,
        PoolUsage = 0.361,
        QueueDepthMean = 397.8,
        ActiveRequestsMean = 106,
        ActiveRequestsSlopePerSecond = 12.1,
        CpuUtilization = 0.031,
        AppliedMinThreads = 18,
        AppliedPoolSize = 7,
    };

    /// <summary>02:11:17, two windows after 18 -> 27: 195 rps completed, half of them shed, the backlog draining.</summary>
    private static ObservedWindow Draining(double errorRate = 0.5) => Collapsed() with
    {
        Start = Given.Now.AddSeconds(-12),
        End = Given.Now,
        Rps = 194.7,
        Requests = 2336,
        P99Ms = 2_938,
        ShareUnderObjective = 0.521,
        ErrorRate = errorRate,
        PoolWaitP99Ms = 1_955,
        PendingRequestsMean = 111.4,
        PoolUsage = 0.714,
        QueueDepthMean = 42.6,
        ActiveRequestsMean = 124,
        ActiveRequestsSlopePerSecond = -2,
        CpuUtilization = 0.069,
        AppliedMinThreads = 27,
    };

    private static TuningState ThreadRaiseJudged() => TuningState.Empty with
    {
        Pending = new PendingChange
        {
            Knob = Knob.ThreadPoolMinThreads,
            From = 18,
            To = 27,
            Reason = DecisionReasons.RecoverFromCollapse,
            DecidedAt = Given.Now.AddSeconds(-36),
            ConfirmedAt = Given.Now.AddSeconds(-34),
            Before = WindowSummary.Of(Collapsed()),
        },
    };

    [Fact]
    public void A_window_that_answered_half_of_what_arrived_is_filling_though_it_completed_nearly_all()
    {
        var before = WindowSummary.Of(Collapsed());

        Assert.True(before.ArrivalRps < before.Rps * 1.15, "completions alone would not read as filling");
        Assert.True(RegressionCheck.Filling(before));
    }

    [Fact]
    public void A_thread_raise_that_doubled_goodput_while_the_backlog_drained_is_kept()
    {
        var why = RegressionCheck.Regressed(WindowSummary.Of(Collapsed()), Draining(), Given.Spec().Objectives, gaveBackCapacity: false);

        Assert.Null(why);
        Assert.Equal(PendingStatus.Accepted, ChangeJudge.Evaluate(Given.Input(Draining(), state: ThreadRaiseJudged(), settings: new Settings(1, 27, 7, 20))).Status);
    }

    [Fact]
    public void A_thread_raise_that_answered_fewer_without_error_is_rolled_back()
    {
        // Same completions, but 80% of them failed: 38.9 rps answered without an error against 46.8 before.
        var why = RegressionCheck.Regressed(WindowSummary.Of(Collapsed()), Draining(errorRate: 0.8), Given.Spec().Objectives, gaveBackCapacity: false);

        Assert.StartsWith("goodput (requests answered without an error) fell 46.9 -> 38.9 rps while requests queued", why, StringComparison.Ordinal);
        Assert.Equal(PendingStatus.Regressed,
            ChangeJudge.Evaluate(Given.Input(Draining(errorRate: 0.8), state: ThreadRaiseJudged(), settings: new Settings(1, 27, 7, 20))).Status);
    }

    /// <summary>
    /// The demo at 18:56 UTC, 2026-12-07: the pool raised 6 -> 7 (all max_connections 20 then allowed) on a window that
    /// answered 117 of 233 rps without an error, connections held 141 ms; the window after answered 86.4 of 202, held
    /// 55 ms, with 125 waiting where 52.6 had.
    /// </summary>
    private static (WindowSummary Before, ObservedWindow After) DemoPoolRaise(double holdAfterMs) =>
        (WindowSummary.Of(Collapsed() with { Rps = 232.6, Requests = 2791, ErrorRate = 1 - (117 / 232.6), ConnectionHoldMeanMs = 141, PendingRequestsMean = 52.6 }),
            Draining() with { Rps = 202.5, Requests = 2430, ErrorRate = 1 - (86.4 / 202.5), ConnectionHoldMeanMs = holdAfterMs, PendingRequestsMean = 125.4, ActiveRequestsSlopePerSecond = 0 });

    [Fact]
    public void A_pool_raise_whose_connections_are_held_no_longer_is_kept_though_the_backlog_answered_fewer()
    {
        var (before, after) = DemoPoolRaise(holdAfterMs: 55);

        Assert.True(RegressionCheck.Filling(before));
        Assert.Null(RegressionCheck.Regressed(before, after, Given.Spec().Objectives, gaveBackCapacity: false, raised: Knob.DbMaxPoolSize));
        Assert.StartsWith("goodput (requests answered without an error) fell 117 -> 86.4 rps",
            RegressionCheck.Regressed(before, after, Given.Spec().Objectives, gaveBackCapacity: false, raised: Knob.ThreadPoolMinThreads), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(184)] // 1.3x the 141 ms before: the database slowed with one more session
    [InlineData(double.NaN)] // no hold time measured after it: nothing clears the raise
    public void A_pool_raise_that_answered_fewer_is_rolled_back_when_its_connections_are_held_longer_or_unmeasured(double holdAfterMs)
    {
        var (before, after) = DemoPoolRaise(holdAfterMs);

        Assert.StartsWith("goodput (requests answered without an error) fell 117 -> 86.4 rps",
            RegressionCheck.Regressed(before, after, Given.Spec().Objectives, gaveBackCapacity: false, raised: Knob.DbMaxPoolSize), StringComparison.Ordinal);
    }
}
