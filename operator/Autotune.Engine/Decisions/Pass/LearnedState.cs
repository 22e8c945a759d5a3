using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>
/// The learned part of the tuning state (the uncontended baseline, each knob's knee) to and from status
/// (<c>status.learned</c>). Status is JSON, which has no NaN: an unknown number is left out and read back as NaN.
/// </summary>
public static class LearnedState
{
    /// <summary>What status records of <paramref name="state"/>'s learning; null when nothing was learned yet.</summary>
    public static LearnedStatus? ToStatus(TuningState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Baseline is null && state.Knees.Count == 0)
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
        };
    }

    /// <summary><paramref name="state"/> with what <paramref name="learned"/> records (nothing changes when it is null).</summary>
    public static TuningState Resume(TuningState state, LearnedStatus? learned)
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
        };
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
