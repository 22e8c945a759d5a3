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
}
