using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>
/// The learned part of the tuning state (the uncontended baseline, each knob's knee, the moves barred after a rollback)
/// to and from status (<c>status.learned</c>). Status is JSON, which has no NaN: an unknown number is left out and read
/// back as NaN. A bar is kept while it runs: without it, a restarted operator would retry the move that was just rolled
/// back on the first window it sees.
/// </summary>
public static class LearnedState
{
    /// <summary>What status records of <paramref name="state"/>'s learning; null when nothing was learned yet.</summary>
    public static LearnedStatus? ToStatus(TuningState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Baseline is null && state.Knees.Count == 0 && state.Barred.Count == 0)
        {
            return null;
        }

        return new LearnedStatus
        {
            Baseline = state.Baseline is { } b ? new BaselineStatus { ServiceMs = Finite(b.ServiceMs), HoldMs = Finite(b.HoldMs) } : null,
            Knees = [.. state.Knees.Select(k => new KneeStatus
            {
                Knob = k.Knob,
                Knee = k.Knee,
                Floor = k.Floor,
                Best = k.Best,
                BestRps = Finite(k.BestRps),
                BestInFlight = Finite(k.BestInFlight),
                LoadRps = Finite(k.LoadRps),
                InFlight = Finite(k.InFlight),
                LearnedAt = k.LearnedAt == default ? null : k.LearnedAt,
            })],
            Barred = [.. Latest(state.Barred).Select(b => new BarredMoveStatus
            {
                Knob = b.Knob,
                Direction = b.Direction == Direction.Up ? BarredDirection.Up : BarredDirection.Down,
                Until = b.Until,
                Because = b.Because.Length <= MessageLimit ? b.Because : b.Because[..MessageLimit],
            })],
        };
    }

    /// <summary>The longest a bar's reason is kept in status (the schema's limit).</summary>
    public const int MessageLimit = 1024;

    /// <summary>
    /// <paramref name="state"/> with what <paramref name="learned"/> records (nothing changes when it is null); bars that
    /// expired by <paramref name="now"/> are dropped (without it, the next decision drops them).
    /// </summary>
    public static TuningState Resume(TuningState state, LearnedStatus? learned, DateTimeOffset? now = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (learned is null)
        {
            return state;
        }

        return state with
        {
            Baseline = learned.Baseline is { ServiceMs: { } service } b
                ? new ServiceBaseline(service, b.HoldMs ?? double.NaN)
                : state.Baseline,
            Knees = [.. learned.Knees.Select(k => new KnobKnee
            {
                Knob = k.Knob,
                Knee = k.Knee,
                Floor = k.Floor,
                Best = k.Best,
                BestRps = k.BestRps ?? double.NaN,
                BestInFlight = k.BestInFlight ?? double.NaN,
                LoadRps = k.LoadRps ?? double.NaN,
                InFlight = k.InFlight ?? double.NaN,
                LearnedAt = k.LearnedAt ?? default,
            })],
            Barred = [.. learned.Barred.Where(b => now is not { } t || b.Until > t).Select(b => new BarredMove(b.Knob, b.Direction == BarredDirection.Up ? Direction.Up : Direction.Down, b.Until, b.Because))],
        };
    }

    /// <summary>One bar per knob and direction, the one that runs longest (a move rolled back twice is barred by the later).</summary>
    private static IEnumerable<BarredMove> Latest(IEnumerable<BarredMove> barred) =>
        barred.GroupBy(b => (b.Knob, b.Direction)).Select(g => g.MaxBy(b => b.Until)!);

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
