using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Guards on one move: the knob's cooldown, moves barred after a rollback, and reversals. A knob that moved one way
/// does not move back within an hour at similar load (the earlier move was made for this load; a move that
/// backfired is what rollback is for), which keeps a knob from reversing more than once an hour at steady load. One
/// exception: the replicas a scale-out added beyond the load's need may be given back once (see
/// <see cref="ReturnsScaleOutHeadroom"/>).
/// </summary>
public static class MoveGuards
{
    /// <summary>How long a reversal at similar load is suppressed (a budget repair is exempt: it restores the invariant).</summary>
    public static readonly TimeSpan ReversalHold = TimeSpan.FromHours(1);

    /// <summary>The hold reason and words when the move may not be made now; null when it may.</summary>
    public static (string Reason, string Why)? Check(DecisionInput input, Knob knob, Direction direction, string moveReason)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = input.Now;
        var last = LastMove(input.State, knob);
        var cooldown = TimeSpan.FromSeconds(Math.Max(0, input.Spec.Behavior.CooldownSeconds));
        if (last is not null && now - last.Decision.Time < cooldown)
        {
            return (DecisionReasons.Cooldown,
                $"{Label.Of(knob)} changed {Num.F((now - last.Decision.Time).TotalSeconds)} s ago, within its {Num.F(cooldown.TotalSeconds)} s cooldown");
        }

        var barred = input.State.Barred.FirstOrDefault(b => b.Knob == knob && b.Direction == direction && b.Until > now);
        if (barred is not null)
        {
            return (DecisionReasons.MoveBarred,
                $"{(direction == Direction.Up ? "raising" : "lowering")} {Label.Of(knob)} is barred for {Num.F((barred.Until - now).TotalMinutes)} more min: {barred.Because}");
        }

        if (moveReason != DecisionReasons.RepairBudget && last is { Decision: { Kind: DecisionKind.Change, From: { } f, To: { } t } } && f != t
            && (t > f ? Direction.Up : Direction.Down) != direction && now - last.Decision.Time < ReversalHold
            && last.Before is { } before && input.Window is { } w && RegressionCheck.SimilarLoad(before.Rps, w.Rps)
            && !ReturnsScaleOutHeadroom(input.State, knob, direction, moveReason, now))
        {
            return (DecisionReasons.ReversalSuppressed,
                $"{Label.Of(knob)} moved {f} -> {t} {Num.F((now - last.Decision.Time).TotalMinutes)} min ago at similar load "
                + $"({Num.F(before.Rps)} vs {Num.F(w.Rps)} rps); it is not reversed within {Num.F(ReversalHold.TotalMinutes)} min");
        }

        return null;
    }

    /// <summary>
    /// A scale-out is sized to bring CPU to 60%, on purpose more than the load needs (the backlog that built while
    /// the new pods started must drain, and the next window must not find the service at its limit again); once the
    /// stabilisation window shows the remaining replicas would run at no more than the scale-in limit, that headroom is
    /// given back. This one reversal is the designed second half of the scale-out, not a change of mind, so it is
    /// allowed at similar load, once: not when replicas already reversed within the hour (a scale-in after it is the
    /// knob's second reversal and waits like any other).
    /// </summary>
    private static bool ReturnsScaleOutHeadroom(TuningState state, Knob knob, Direction direction, string moveReason, DateTimeOffset now)
    {
        if (knob != Knob.Replicas || direction != Direction.Down || moveReason is not (DecisionReasons.GiveBackCapacity or DecisionReasons.ConsolidateReplicas)
            || LastMove(state, knob) is not { Decision: { Kind: DecisionKind.Change, Reason: DecisionReasons.AddReplicas } })
        {
            return false;
        }

        var directions = state.History
            .Where(r => r.Decision.IsAction && r.Decision.Knob == knob && now - r.Decision.Time < ReversalHold
                && r.Decision is { From: { } f, To: { } t } && f != t)
            .Select(r => r.Decision.To > r.Decision.From ? Direction.Up : Direction.Down)
            .ToList();
        return directions.Zip(directions.Skip(1)).All(p => p.First == p.Second);
    }

    /// <summary>The newest change or rollback of a knob.</summary>
    public static HistoryEntry? LastMove(TuningState state, Knob knob)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.History.FirstOrDefault(r => r.Decision.IsAction && r.Decision.Knob == knob);
    }
}
