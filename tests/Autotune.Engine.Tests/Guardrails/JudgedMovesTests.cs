using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

/// <summary>
/// Every move is judged at the same load, thread raises included, under open-loop and closed-loop load alike.
/// Measured case: on a fast async API the minimum threads went 2 -> 18 -> 36 -> 72 -> 144 while throughput fell from
/// about 15k to 11.5k req/s; each raise's window served fewer requests than the one before, so "similar load" read
/// as served requests never held, and no raise was judged.
/// </summary>
public sealed class JudgedMovesTests
{
    private static readonly Settings Raised = new(1, 144, 10, 200);

    /// <summary>One pod at 15k req/s, P99 8 ms, 64 requests in flight (64 callers waiting for their answers).</summary>
    private static ObservedWindow Before() => Given.FastAsyncPod() with
    {
        ActiveRequestsMean = 64,
        ActiveRequestsSlopePerSecond = 0,
    };

    private static TuningState ThreadRaise(ObservedWindow before) => Given.ThreadRaise(before);

    private static Decision Judge(ObservedWindow after)
    {
        var input = Given.Input(after with { AppliedGenerationMin = 7, AppliedMinThreads = 144 }, state: ThreadRaise(Before()), settings: Raised);
        return TuningEngine.Decide(input);
    }

    [Fact]
    public void A_thread_raise_that_served_less_to_the_same_callers_is_rolled_back()
    {
        // Closed loop: the same 64 callers, 11.5k req/s served instead of 15k (Little: 64 / 11.5k = 5.6 ms each).
        var d = Judge(Before() with { Rps = 11_500, Requests = 11_500 * 60, P50Ms = 5.5, P99Ms = 9 });

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((Knob.ThreadPoolMinThreads, 144, 72), (d.Knob, d.From, d.To));
        Assert.Contains("throughput fell 15000 -> 11500 rps", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_move_that_left_arrivals_piling_up_at_the_same_offered_rate_is_rolled_back()
    {
        // Open loop: 15k arrive as before; 12k are served and the requests in flight grow by 3k a second.
        var d = Judge(Before() with { Rps = 12_000, Requests = 12_000 * 60, P99Ms = 9, ActiveRequestsMean = 900, ActiveRequestsSlopePerSecond = 3_000 });

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Contains("at similar load (15000 vs 15000 rps)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_move_followed_by_less_traffic_is_not_judged_on_it()
    {
        // Open loop, traffic itself fell: fewer arrivals and fewer requests in flight, nothing piling up.
        var d = Judge(Before() with { Rps = 11_500, Requests = 11_500 * 60, ActiveRequestsMean = 45 });

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
    }

    [Fact]
    public void A_move_that_served_the_same_callers_faster_is_kept()
    {
        var d = Judge(Before() with { Rps = 17_000, Requests = 17_000 * 60, P50Ms = 3.5, P99Ms = 7 });

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
    }

    [Fact]
    public void Load_is_alike_by_arrivals_or_by_concurrency_and_says_which()
    {
        var before = WindowSummary.Of(Before());

        Assert.StartsWith("at similar load", RegressionCheck.LoadAlike(before, Before() with { Rps = 14_000 }), StringComparison.Ordinal);
        Assert.StartsWith("at similar concurrency (64 vs 64 requests in flight", RegressionCheck.LoadAlike(before, Before() with { Rps = 11_000 }), StringComparison.Ordinal);
        Assert.Null(RegressionCheck.LoadAlike(before, Before() with { Rps = 11_000, ActiveRequestsMean = 30 }));
        Assert.Null(RegressionCheck.LoadAlike(before, Before() with { Rps = 11_000, ActiveRequestsMean = double.NaN }));
    }

    [Fact]
    public void A_move_that_served_as_many_in_flight_more_is_kept_though_its_p99_rose_inside_the_objective()
    {
        // 18k served with the same 64 in flight: each took 3.6 ms on average instead of 4.3 ms, whether the callers are
        // the same or an open-loop ramp brought more. P99 8 -> 20 ms is far inside the 250 ms objective.
        var d = Judge(Before() with { Rps = 18_000, Requests = 18_000 * 60, P99Ms = 20 });

        Assert.True(d.Kind != DecisionKind.Rollback, d.Message);
    }

    [Fact]
    public void A_move_that_served_as_many_in_flight_more_is_rolled_back_when_it_left_the_objective()
    {
        var d = Judge(Before() with { Rps = 18_000, Requests = 18_000 * 60, P99Ms = 400, ShareUnderObjective = 0.97 });

        Assert.True(d.Kind == DecisionKind.Rollback, d.Message);
        Assert.Contains("at similar concurrency", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_move_that_served_as_many_in_flight_fewer_is_rolled_back_on_its_p99()
    {
        var d = Judge(Before() with { Rps = 12_500, Requests = 12_500 * 60, P99Ms = 20 });

        Assert.True(d.Kind == DecisionKind.Rollback, d.Message);
        Assert.Contains("p99 rose 8 ms -> 20 ms at similar concurrency", d.Message, StringComparison.Ordinal);
    }
}
