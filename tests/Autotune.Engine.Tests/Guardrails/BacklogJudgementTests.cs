using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

/// <summary>
/// A move that served more of a backlog is not undone for the P99 the backlog keeps growing. Measured in the proof's
/// remote-pool run (one pod, 50 ms a query, load climbing to 765 req/s): a pool raise 36 -> 40 took 699 -> 789 req/s
/// served at 737 -> 789 arriving, P99 479 -> 1,495 ms, and was rolled back and barred, leaving the pool at 36 where the
/// grid's best is 40.
/// </summary>
public sealed class BacklogJudgementTests
{
    private static readonly ApiTuningSpec Spec = Given.OnePodSpec(poolMax: 40, maxQueueDepth: 10);

    private static ObservedWindow Window(double served, double growing, double p99, double errors) => Given.PoolExhausted() with
    {
        Pods = 1,
        Rps = served,
        Requests = served * 60,
        ActiveRequestsSlopePerSecond = growing,
        P50Ms = 300,
        P99Ms = p99,
        ShareUnderObjective = 0.6,
        ErrorRate = errors,
        PoolWaitP99Ms = p99,
        PoolUsage = 0.98,
        PendingRequestsMean = 110,
        PoolTimeouts = 0,
        ConnectionHoldMeanMs = 50.9,
        ConnectionUsesPerSecond = served,
    };

    private static Decision Judge(ObservedWindow before, ObservedWindow after) =>
        TuningEngine.Decide(Given.Input(after with { AppliedGenerationMin = 5 }, Spec,
            Given.Confirmed(TuningState.Empty, Knob.DbMaxPoolSize, 36, 40, DecisionReasons.RaisePool, before), new Settings(1, 2, 40, 200),
            Given.Ledger(maxConnections: 200, otherPool: 2)));

    [Fact]
    public void A_pool_raise_that_served_more_of_a_backlog_is_kept_though_p99_grew_with_it()
    {
        var d = Judge(Window(699, 38, 479, 0), Window(789, 0, 1495, 0.03));

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
    }

    [Fact]
    public void The_same_p99_rise_without_more_served_is_rolled_back()
    {
        var d = Judge(Window(699, 38, 479, 0), Window(700, 80, 1495, 0.03));

        Assert.True(d.Kind == DecisionKind.Rollback, d.Message);
        Assert.Contains("p99 rose 479 ms -> 1495 ms", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_backlog_before_it_a_p99_rise_is_still_a_regression_whatever_was_served()
    {
        var d = Judge(Window(699, 0, 150, 0), Window(789, 0, 400, 0));

        Assert.True(d.Kind == DecisionKind.Rollback, d.Message);
    }

    /// <summary>
    /// The proof's fast-async run (one pod, no simulated round trip): a pool raise 2 -> 10 made at 5,352 req/s within
    /// the objective met the load's step to 6,153 req/s; the window after it served 5,604 req/s with 9,115 requests
    /// in flight, P99 2,771 ms.
    /// </summary>
    private static (ObservedWindow Before, ObservedWindow After) FastAsyncRaise(double servedAfter, double inFlightAfter)
    {
        var before = Window(5_352, 0, 49.2, 0) with
        {
            ShareUnderObjective = 1,
            PoolWaitP99Ms = 48.8,
            PoolUsage = 0.9,
            PendingRequestsMean = 66,
            ActiveRequestsMean = 70,
            ConnectionHoldMeanMs = 0.27,
        };
        var after = Window(servedAfter, 0, 2_771, 0) with
        {
            ShareUnderObjective = 0.008,
            PoolWaitP99Ms = 1_992,
            PoolUsage = 0.32,
            PendingRequestsMean = inFlightAfter - 5,
            ActiveRequestsMean = inFlightAfter,
            ConnectionHoldMeanMs = 0.3,
        };
        return (before, after);
    }

    private static Decision JudgeFastAsync((ObservedWindow Before, ObservedWindow After) w) =>
        TuningEngine.Decide(Given.Input(w.After with { AppliedGenerationMin = 5 }, Given.OnePodSpec(poolMax: 80, maxQueueDepth: 10),
            Given.Confirmed(TuningState.Empty, Knob.DbMaxPoolSize, 2, 10, DecisionReasons.RaisePool, w.Before), new Settings(1, 2, 10, 200),
            Given.Ledger(maxConnections: 200, otherPool: 2)));

    [Fact]
    public void A_raise_after_which_requests_back_up_is_kept_while_it_serves_as_many()
    {
        var d = JudgeFastAsync(FastAsyncRaise(servedAfter: 5_604, inFlightAfter: 9_120));

        Assert.True(d.Kind != DecisionKind.Rollback, d.Message);
    }

    [Fact]
    public void A_raise_after_which_requests_back_up_and_fewer_are_served_is_rolled_back()
    {
        var d = JudgeFastAsync(FastAsyncRaise(servedAfter: 4_900, inFlightAfter: 9_120));

        Assert.True(d.Kind == DecisionKind.Rollback, d.Message);
    }

    [Fact]
    public void A_p99_rise_without_requests_backing_up_is_rolled_back_though_as_many_are_served()
    {
        // 60 requests in flight at 5,604 req/s is 11 ms each by Little's law, well inside the 200 ms objective: the
        // P99 is the settings', not a queue's.
        var d = JudgeFastAsync(FastAsyncRaise(servedAfter: 5_604, inFlightAfter: 60));

        Assert.True(d.Kind == DecisionKind.Rollback, d.Message);
        Assert.Contains("p99 rose", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_back_up_when_by_littles_law_the_mean_request_outlasts_the_objective()
    {
        var objectives = Spec.Objectives;
        var w = Given.Healthy() with { Pods = 1, Rps = 1_000, ActiveRequestsMean = 150 };

        Assert.False(Autotune.Engine.Decisions.Guardrails.RegressionCheck.BackedUp(w, objectives));
        Assert.True(Autotune.Engine.Decisions.Guardrails.RegressionCheck.BackedUp(w with { ActiveRequestsMean = 250 }, objectives));
        Assert.False(Autotune.Engine.Decisions.Guardrails.RegressionCheck.BackedUp(w with { ActiveRequestsMean = double.NaN }, objectives));
    }
}
