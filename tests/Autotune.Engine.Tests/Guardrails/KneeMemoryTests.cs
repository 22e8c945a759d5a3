using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

/// <summary>
/// Every thread raise is judged, and what the judgements show is remembered: the knee a raise was judged worse at is
/// never reached again at similar load. Measured case: on a fast async API, minimum threads went 2 -> 18 -> 36 -> 72
/// -> 144 and the raises were never judged harmful; 144 threads served 0.7x the throughput of the default.
/// </summary>
public sealed class KneeMemoryTests
{
    /// <summary>One pod at 15k req/s arriving and served, P99 8 ms (open loop: requests in flight not exported).</summary>
    private static ObservedWindow Before() => Given.FastAsyncPod();

    private static TuningState ThreadRaise(ObservedWindow before) => Given.ThreadRaise(before);

    private static DecisionInput After(ObservedWindow after) =>
        Given.Input(after with { AppliedGenerationMin = 7, AppliedMinThreads = 144 }, state: ThreadRaise(Before()), settings: new Settings(1, 144, 10, 200));

    [Fact]
    public void A_thread_raise_followed_by_less_throughput_at_similar_offered_load_and_no_better_p99_is_regressed_and_rolled_back()
    {
        // 14k arrive and are served (within 15% of 15k: similar load), P99 unchanged: throughput fell 6.7% for nothing.
        var input = After(Before() with { Rps = 14_000, Requests = 14_000 * 60 });

        var judgement = ChangeJudge.Evaluate(input);
        var d = TuningEngine.Decide(input);

        Assert.Equal(PendingStatus.Regressed, judgement.Status);
        Assert.Contains("throughput fell 15000 -> 14000 rps", judgement.Why, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((Knob.ThreadPoolMinThreads, 144, 72), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void A_thread_raise_whose_throughput_held_is_kept()
    {
        var input = After(Before() with { Rps = 14_600, Requests = 14_600 * 60 });

        Assert.Equal(PendingStatus.Accepted, ChangeJudge.Evaluate(input).Status);
        Assert.NotEqual(DecisionKind.Rollback, TuningEngine.Decide(input).Kind);
    }

    [Fact]
    public void The_rolled_back_raise_becomes_the_knee_and_the_value_before_it_the_best()
    {
        var input = After(Before() with { Rps = 14_000, Requests = 14_000 * 60 });
        var d = TuningEngine.Decide(input);

        var state = TuningStateTransitions.Next(input, d, expectedGeneration: 8);

        var knee = Assert.Single(state.Knees);
        Assert.Equal(Knob.ThreadPoolMinThreads, knee.Knob);
        Assert.Equal(144, knee.Knee);
        Assert.Null(knee.Floor);
        Assert.Equal(72, knee.Best);
        Assert.Equal(15_000, knee.BestRps);
        Assert.Equal(15_000, knee.LoadRps);
    }

    [Theory]
    [InlineData(0.0, true)] // made on a healthy window: the knee is learned
    [InlineData(0.72, false)] // made while 72% of requests were shed: the windows move with the backlog, no knee
    public void A_raise_judged_worse_teaches_a_knee_only_when_it_was_made_on_a_service_that_was_not_failing_requests(double errorRate, bool learned)
    {
        var before = Before() with { ErrorRate = errorRate };
        var input = Given.Input(
            before with { Rps = 14_000, Requests = 14_000 * 60, ErrorRate = errorRate, AppliedGenerationMin = 7, AppliedMinThreads = 144 },
            state: ThreadRaise(before), settings: new Settings(1, 144, 10, 200));
        var d = TuningEngine.Decide(input);

        var state = TuningStateTransitions.Next(input, d, expectedGeneration: 8);

        Assert.Equal(PendingStatus.Regressed, ChangeJudge.Evaluate(input).Status);
        Assert.Equal(learned, state.Knees.Any(k => k.Knob == Knob.ThreadPoolMinThreads && k.Knee == 144));
    }

    [Fact]
    public void A_kept_raise_offers_its_window_as_the_best_and_clears_a_knee_it_passed()
    {
        var state = ThreadRaise(Before()) with
        {
            Knees = [new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Knee = 100, LoadRps = 15_000, Best = 60, BestRps = 14_000 }],
        };
        var input = After(Before() with { Rps = 15_200, Requests = 15_200 * 60 }) with { State = state };

        var next = TuningStateTransitions.Next(input, TuningEngine.Decide(input));

        var knee = Assert.Single(next.Knees);
        Assert.Null(knee.Knee);
        Assert.Equal(144, knee.Best);
        Assert.Equal(15_200, knee.BestRps);
    }

    [Fact]
    public void A_raise_is_stopped_below_the_knee_at_similar_load_and_made_in_full_at_another()
    {
        var starving = Starving();
        var knee = new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Knee = 100, LoadRps = 200 };
        var state = TuningState.Empty with { Knees = [knee] };

        var capped = TuningEngine.Decide(Given.Input(starving, state: state, settings: new Settings(1, 72, 10, 200)));
        var elsewhere = TuningEngine.Decide(Given.Input(starving, state: state with { Knees = [knee with { LoadRps = 1_000 }] }, settings: new Settings(1, 72, 10, 200)));

        Assert.Equal((DecisionKind.Change, Knob.ThreadPoolMinThreads, 72, 99), (capped.Kind, capped.Knob, capped.From, capped.To));
        Assert.Contains("below its knee 100", capped.Message, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Change, elsewhere.Kind);
        Assert.True(elsewhere.To >= 100, elsewhere.Message);
    }

    [Fact]
    public void A_knob_just_under_its_knee_holds_with_the_reason()
    {
        var state = TuningState.Empty with { Knees = [new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Knee = 73, LoadRps = 200 }] };

        var d = TuningEngine.Decide(Given.Input(Starving(), state: state, settings: new Settings(1, 72, 10, 200)));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.KneeReached, d.Reason);
        Assert.Contains("stays at 72", d.Message, StringComparison.Ordinal);

        // It refuses what the finding asks, so the pass tells it once as a Warning.
        Assert.True(PassEvents.IsRefusal(d.Reason));
    }

    /// <summary>One pod whose threads block: 200 rps, the queue growing, 72 threads barely injected, CPU idle.</summary>
    private static ObservedWindow Starving() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 200,
        Requests = 200 * 60,
        P50Ms = 300,
        P99Ms = 900,
        ShareUnderObjective = 0.8,
        QueueDepthMean = 80,
        QueueDepthMax = 120,
        QueueDepthSlopePerSecond = 1,
        ThreadsFirst = 72,
        ThreadsLast = 74,
        CpuUtilization = 0.2,
        WorkItemsPerSecond = 400,
        AppliedMinThreads = 72,
    };
}
