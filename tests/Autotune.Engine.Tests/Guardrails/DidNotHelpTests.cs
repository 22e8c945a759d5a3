using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

/// <summary>
/// A raise made over the objective that leaves the service as it was (still over, P99, share and goodput no better at
/// similar load) is rolled back and barred: capacity that buys nothing costs connections or threads.
/// </summary>
public sealed class DidNotHelpTests
{
    /// <summary>Over the 250 ms objective: P99 400 ms, 95% under it, 300 req/s answered.</summary>
    private static ObservedWindow Over() => Given.PoolExhausted();

    private static Decision Judge(ObservedWindow before, ObservedWindow after, Knob knob = Knob.DbMaxPoolSize, int from = 10, int to = 20) =>
        TuningEngine.Decide(Given.Input(after with { AppliedGenerationMin = 5 }, state: Given.Confirmed(TuningState.Empty, knob, from, to, DecisionReasons.RaisePool, before),
            settings: knob == Knob.DbMaxPoolSize ? new Settings(3, 16, to, 300) : new Settings(3, to, 10, 300), ledger: Given.Ledger(maxConnections: 300)));

    [Fact]
    public void A_pool_raise_that_left_the_service_over_its_objective_as_it_was_is_rolled_back_and_barred()
    {
        var d = Judge(Over(), Over() with { P99Ms = 390, ShareUnderObjective = 0.952 });

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((Knob.DbMaxPoolSize, 20, 10), (d.Knob, d.From, d.To));
        Assert.StartsWith("Rolled back Npgsql pool 20 -> 10: it did not help: ", d.Message, StringComparison.Ordinal);
        Assert.Contains("it did not help: p99 400 ms -> 390 ms, 95% -> 95.2% under the 250 ms objective, goodput 300 -> 300 rps at similar load", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_raise_that_did_not_help_but_cannot_be_undone_within_the_connection_budget_says_so()
    {
        var d = TuningEngine.Decide(Given.Input(Over() with { AppliedGenerationMin = 5 },
            state: Given.Confirmed(TuningState.Empty, Knob.DbMaxPoolSize, 10, 20, DecisionReasons.RaisePool, Over()), settings: new Settings(3, 16, 20, 200)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Contains("Npgsql pool 10 -> 20 did not help (p99 400 ms -> 400 ms, 95% -> 95% under the 250 ms objective", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_thread_raise_that_did_not_help_is_rolled_back_too()
    {
        var d = Judge(Over(), Over(), Knob.ThreadPoolMinThreads, 16, 32);

        Assert.Equal((DecisionKind.Rollback, Knob.ThreadPoolMinThreads, 32, 16), (d.Kind, d.Knob, d.From, d.To));
        Assert.Contains("it did not help", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(350, 0.95, 300)] // P99 12.5% lower
    [InlineData(400, 0.96, 300)] // a point more under the objective
    [InlineData(400, 0.95, 330)] // 10% more answered
    [InlineData(200, 0.995, 300)] // within the objective
    public void A_raise_that_helped_in_any_of_these_ways_is_kept(double p99, double share, double rps)
    {
        var d = Judge(Over(), Over() with { P99Ms = p99, ShareUnderObjective = share, Rps = rps, Requests = rps * 60 });

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
    }

    [Fact]
    public void A_raise_made_within_the_objective_is_not_judged_on_whether_it_helped()
    {
        var within = Given.Healthy();

        var d = Judge(within, within);

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
    }
}
