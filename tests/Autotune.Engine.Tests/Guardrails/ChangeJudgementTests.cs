using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

public sealed class ChangeJudgementTests
{
    private static readonly Settings Raised = new(3, 16, 14, 200);

    private static TuningState PendingRaise(DateTimeOffset? confirmedAt, long generation = 7) => TuningState.Empty with
    {
        Pending = new PendingChange
        {
            Knob = Knob.DbMaxPoolSize,
            From = 10,
            To = 14,
            Reason = DecisionReasons.RaisePool,
            DecidedAt = Given.Now.AddMinutes(-3),
            ExpectedGeneration = generation,
            ConfirmedAt = confirmedAt,
            Before = WindowSummary.Of(Given.Healthy()),
        },
        History =
        [
            Given.Change(Knob.DbMaxPoolSize, 10, 14, DecisionReasons.RaisePool, Bottleneck.PoolExhaustion, Given.Now.AddMinutes(-3), Given.Healthy(), "raised"),
        ],
    };

    [Fact]
    public void Holds_everything_while_a_change_awaits_confirmation()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { AppliedGenerationMin = 6 }, state: PendingRaise(null), settings: Raised));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.AwaitingConfirmation, d.Reason);
        Assert.Contains("generation 6, expecting 7", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Judges_a_change_only_on_a_full_window_after_every_pod_confirmed_it()
    {
        var input = Given.Input(Given.Healthy() with { AppliedGenerationMin = 7, P99Ms = 400 }, state: PendingRaise(null), settings: Raised);

        var d = TuningEngine.Decide(input);
        var next = TuningStateTransitions.Next(input, d);

        Assert.Equal(DecisionReasons.AwaitingWarmup, d.Reason);
        Assert.Equal(Given.Now, next.Pending?.ConfirmedAt);
    }

    [Fact]
    public void Rolls_back_change_that_raised_p99_at_similar_load()
    {
        var worse = Given.Healthy() with { AppliedGenerationMin = 7, P99Ms = 260, Rps = 310 };
        var input = Given.Input(worse, state: PendingRaise(Given.Now.AddSeconds(-90)), settings: Raised);

        var d = TuningEngine.Decide(input);
        var next = TuningStateTransitions.Next(input, d);

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((Knob.DbMaxPoolSize, 14, 10), (d.Knob, d.From, d.To));
        Assert.StartsWith("Rolled back Npgsql pool 14 -> 10: p99 rose 180 ms -> 260 ms at similar load (310 vs 300 rps)", d.Message, StringComparison.Ordinal);
        Assert.Contains(next.Barred, b => b is { Knob: Knob.DbMaxPoolSize, Direction: Direction.Up });
        Assert.True(next.Pending?.IsRollback);
    }

    [Fact]
    public void Does_not_judge_a_change_on_a_window_with_too_few_requests()
    {
        // The window that raised p99 at similar load (the rollback above), but over 7 requests: noise, not evidence.
        var few = Given.Healthy() with { AppliedGenerationMin = 7, P99Ms = 260, Rps = 310, Requests = 7 };
        var input = Given.Input(few, state: PendingRaise(Given.Now.AddSeconds(-90)), settings: Raised);

        var d = TuningEngine.Decide(input);

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
        Assert.Null(RegressionCheck.Regressed(PendingRaise(Given.Now.AddSeconds(-90)).Pending!.Before!, few, Given.Spec().Objectives, gaveBackCapacity: false));
    }

    [Fact]
    public void Rolls_back_change_that_lowered_the_share_under_the_objective()
    {
        var worse = Given.Healthy() with { AppliedGenerationMin = 7, ShareUnderObjective = 0.97 };

        var d = TuningEngine.Decide(Given.Input(worse, state: PendingRaise(Given.Now.AddSeconds(-90)), settings: Raised));

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Contains("share under the objective fell", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_a_change_when_load_moved_too_much_to_compare()
    {
        var busier = Given.Healthy() with { AppliedGenerationMin = 7, P99Ms = 240, Rps = 450, Requests = 27000 };
        var input = Given.Input(busier, state: PendingRaise(Given.Now.AddSeconds(-90)), settings: Raised);

        var d = TuningEngine.Decide(input);

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
        Assert.Null(TuningStateTransitions.Next(input, d).Pending);
    }

    [Fact]
    public void Bars_a_move_that_was_rolled_back()
    {
        var input = Given.Input(Given.Healthy() with { AppliedGenerationMin = 7, P99Ms = 260 }, state: PendingRaise(Given.Now.AddSeconds(-90)), settings: Raised);
        var state = TuningStateTransitions.Next(input, TuningEngine.Decide(input));
        var later = Given.Now.AddMinutes(10);
        var confirmed = state with { Pending = state.Pending! with { ConfirmedAt = later.AddMinutes(-5) } };

        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { Start = later.AddSeconds(-60), End = later, AppliedGenerationMin = 8 },
            state: confirmed, now: later));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.MoveBarred, d.Reason);
        Assert.Contains("raising Npgsql pool is barred", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gives_up_a_change_never_confirmed()
    {
        var input = Given.Input(Given.Healthy() with { AppliedGenerationMin = 6 }, state: PendingRaise(null), settings: Raised, now: Given.Now.AddMinutes(20));
        input = input with { Window = input.Window! with { Start = input.Now.AddSeconds(-60), End = input.Now } };

        var d = TuningEngine.Decide(input);

        Assert.Equal(DecisionReasons.ChangeNotConfirmed, d.Reason);
        Assert.Null(TuningStateTransitions.Next(input, d).Pending);
    }
}
