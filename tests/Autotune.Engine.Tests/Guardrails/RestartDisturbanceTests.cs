using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Guardrails;

/// <summary>
/// A PostgreSQL restart (for a max_connections change) kills every pooled connection: the windows around it are no
/// evidence about the settings in force, so nothing is judged on them (the proof run's max-connections profile).
/// </summary>
public sealed class RestartDisturbanceTests
{
    private static readonly DateTimeOffset RestartAt = Given.Now.AddSeconds(-170);

    private static readonly Settings Raised = new(3, 16, 14, 200);

    private static HistoryEntry MaxConnectionsRaise(DateTimeOffset at) => Given.Change(
        Knob.PostgresMaxConnections, 150, 200, DecisionReasons.RaiseMaxConnections, Bottleneck.PoolExhaustion, at,
        Given.PoolExhausted() with { Start = at.AddSeconds(-60), End = at }, "raised max_connections", requiresRestart: true);

    /// <summary>
    /// The pool raise made on the window right after the restart (it overlaps the restart: failures, cleared pools, a
    /// P99 lowered by fast failures), confirmed and warmed.
    /// </summary>
    private static TuningState PoolRaiseAfterRestart(WindowSummary before) => TuningState.Empty with
    {
        Pending = new PendingChange
        {
            Knob = Knob.DbMaxPoolSize,
            From = 10,
            To = 14,
            Reason = DecisionReasons.RaisePool,
            DecidedAt = before.End,
            ExpectedGeneration = 7,
            ConfirmedAt = before.End.AddSeconds(30),
            Before = before,
        },
        History =
        [
            new HistoryEntry(
                new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.PoolExhaustion, Reason = DecisionReasons.RaisePool, Message = "raised", Knob = Knob.DbMaxPoolSize, From = 10, To = 14, Time = before.End },
                before),
            MaxConnectionsRaise(RestartAt),
        ],
    };

    private static TuningState PendingMaxConnections(DateTimeOffset? confirmedAt) => TuningState.Empty with
    {
        Pending = new PendingChange
        {
            Knob = Knob.PostgresMaxConnections,
            From = 150,
            To = 200,
            Reason = DecisionReasons.RaiseMaxConnections,
            DecidedAt = RestartAt,
            ConfirmedAt = confirmedAt,
            Before = WindowSummary.Of(Given.PoolExhausted() with { Start = RestartAt.AddSeconds(-60), End = RestartAt }),
        },
        History = [MaxConnectionsRaise(RestartAt)],
    };

    private static ObservedWindow WithRestartFailures(ObservedWindow w) => w with
    {
        OpenFailures = new Dictionary<string, double> { [SqlStates.AdminShutdown] = 12, [SqlStates.ConnectionFailure] = 3 },
    };

    [Fact]
    public void Does_not_roll_back_a_pool_raise_judged_on_a_window_disturbed_by_a_database_restart()
    {
        // The baseline window spans the restart 10 s into it; the clean window after the raise shows a higher P99 at
        // similar load, which on a clean baseline would be a regression.
        var disturbedEnd = RestartAt.AddSeconds(50);
        var before = WindowSummary.Of(Given.PoolExhausted() with { Start = disturbedEnd.AddSeconds(-60), End = disturbedEnd, P99Ms = 300 });
        var after = Given.PoolExhausted() with { AppliedGenerationMin = 7, AppliedPoolSize = 14, P99Ms = 480, Rps = 310 };
        var input = Given.Input(after, state: PoolRaiseAfterRestart(before), settings: Raised);

        var judgement = ChangeJudge.Evaluate(input);
        var d = TuningEngine.Decide(input);
        var next = TuningStateTransitions.Next(input, d);

        Assert.Equal(PendingStatus.Accepted, judgement.Status);
        Assert.Contains("disturbed by a database restart", judgement.Why, StringComparison.Ordinal);
        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
        Assert.DoesNotContain(next.Barred, b => b.Knob == Knob.DbMaxPoolSize);
    }

    [Fact]
    public void Still_rolls_back_the_same_pool_raise_judged_against_a_clean_window()
    {
        // The control: the same numbers with no restart near the baseline are a regression.
        var cleanEnd = RestartAt.AddSeconds(130);
        var before = WindowSummary.Of(Given.PoolExhausted() with { Start = cleanEnd.AddSeconds(-60), End = cleanEnd, P99Ms = 300 });
        var after = Given.PoolExhausted() with { AppliedGenerationMin = 7, AppliedPoolSize = 14, P99Ms = 480, Rps = 310 };
        var state = PoolRaiseAfterRestart(before);
        state = state with { Pending = state.Pending! with { DecidedAt = cleanEnd, ConfirmedAt = Given.Now.AddSeconds(-70) } };

        var d = TuningEngine.Decide(Given.Input(after, state: state, settings: Raised));

        Assert.Equal(DecisionKind.Rollback, d.Kind);
    }

    [Fact]
    public void Does_not_judge_a_change_on_a_window_with_restart_failures()
    {
        var cleanEnd = RestartAt.AddSeconds(130);
        var before = WindowSummary.Of(Given.PoolExhausted() with { Start = cleanEnd.AddSeconds(-60), End = cleanEnd, P99Ms = 300 });
        var state = PoolRaiseAfterRestart(before);
        state = state with { Pending = state.Pending! with { DecidedAt = cleanEnd, ConfirmedAt = Given.Now.AddSeconds(-70) } };
        var disturbed = WithRestartFailures(Given.PoolExhausted() with { AppliedGenerationMin = 7, AppliedPoolSize = 14, P99Ms = 480, Rps = 310 });

        var d = TuningEngine.Decide(Given.Input(disturbed, state: state, settings: Raised));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.AwaitingWarmup, d.Reason);
        Assert.Contains("57P01/08006", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_raise_decided_on_the_window_that_confirmed_a_restart_is_kept_unjudged()
    {
        // SHOW confirms max_connections 200 on a window that spans the restart; the pool raise is decided on it.
        var spanning = Given.PoolExhausted() with { Start = RestartAt.AddSeconds(-10), End = RestartAt.AddSeconds(50) };
        var confirming = Given.Input(spanning, state: PendingMaxConnections(null), now: spanning.End);
        var raise = TuningEngine.Decide(confirming);
        var state = TuningStateTransitions.Next(confirming, raise, expectedGeneration: 7);
        Assert.Equal((DecisionKind.Change, Knob.DbMaxPoolSize), (raise.Kind, raise.Knob));

        // Every pod reports it; one full window warms it; the next, clean, shows a higher P99 at similar load.
        var confirmedEnd = spanning.End.AddSeconds(60);
        var confirmedWindow = Given.PoolExhausted() with { Start = spanning.End, End = confirmedEnd, AppliedGenerationMin = 7, AppliedPoolSize = raise.To };
        var input = Given.Input(confirmedWindow, state: state, settings: Raised with { DbMaxPoolSize = raise.To }, now: confirmedEnd);
        state = TuningStateTransitions.Next(input, TuningEngine.Decide(input));
        var judgedEnd = confirmedEnd.AddSeconds(60);
        var worse = confirmedWindow with { Start = confirmedEnd, End = judgedEnd, P99Ms = spanning.P99Ms * 1.5 };

        var d = TuningEngine.Decide(Given.Input(worse, state: state, settings: Raised with { DbMaxPoolSize = raise.To }, now: judgedEnd));

        Assert.NotEqual(DecisionKind.Rollback, d.Kind);
    }
}
