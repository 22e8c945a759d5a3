using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// The run of comfortable windows the give-back waits for (<c>behavior.scaleInStabilizationSeconds</c>), judged on most
/// of the recent windows rather than on every one. A P99 over a short window is a tail quantile, and on a loaded
/// machine an isolated window's pool-wait P99 jumps past its comfortable share of the objective (measured on the real
/// stack in over-provisioned: 13-27 ms against 12 ms comfortable, between windows at 0.1 ms), so requiring every window
/// restarted the stabilisation on each spike and a start far above the knee never came down. Now a window that is not
/// comfortable keeps the run while it is still within the objective and most of the recent windows (the stabilisation
/// period's worth, at least three, this one included) were comfortable; a window over the objective, one with too
/// little data, or a run where the uncomfortable windows are no longer the minority ends it. Capacity is still given
/// back only on a comfortable window, and the move is judged as before: a give-back that leaves the service over its
/// objective is rolled back.
/// </summary>
internal static class ComfortRun
{
    /// <summary>Most windows of a run remembered (the newest; the majority is taken over the stabilisation period's worth).</summary>
    public const int Kept = 16;

    /// <summary>Fewest recent windows a majority is taken over.</summary>
    public const int FewestWindows = 3;

    /// <summary>The run after <paramref name="input"/>'s window: when it began (null: no run) and each window's comfort, newest first.</summary>
    public static (DateTimeOffset? Since, IReadOnlyList<bool> Windows) Next(DecisionInput input, DateTimeOffset? since, IReadOnlyList<bool> windows)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(windows);
        var w = input.Window;
        var o = input.Spec.Objectives;
        var length = WindowDuration.Parse(input.Spec.Metrics.Window);
        if (w is null || DataSufficiency.Check(w, length, o.MaxQueueDepth, input.Now) is not null)
        {
            return (null, []);
        }

        if (Diagnoser.Comfortable(w, o, Diagnoser.PoolWaitFromDatabase(w, o, input.State, input.Current) is not null))
        {
            return (since ?? w.Start, [true, .. windows.Take(Kept - 1)]);
        }

        if (since is null || Diagnoser.OverObjective(w, o))
        {
            return (null, []);
        }

        bool[] next = [false, .. windows.Take(Kept - 1)];
        var recent = next.Take(Recent(input)).ToList();
        return recent.Count(c => c) * 2 > recent.Count ? (since, next) : (null, []);
    }

    /// <summary>
    /// Why the run goes on through this window that is not comfortable, or null when the window is comfortable or ends
    /// the run. Held as <c>Stabilizing</c>, not <c>ObjectiveMet</c>: the engine has not finished, it gives capacity back
    /// on the next comfortable window once the run is long enough.
    /// </summary>
    public static string? Tolerated(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (since, windows) = Next(input, input.State.ComfortableSince, input.State.ComfortWindows);
        if (since is not { } start || windows.Count == 0 || windows[0])
        {
            return null;
        }

        var recent = windows.Take(Recent(input)).ToList();
        var needed = Math.Max(0, input.Spec.Behavior.ScaleInStabilizationSeconds);
        return $"this window is not comfortable but within the objective, and {recent.Count(c => c)} of the last {recent.Count} were: "
            + $"the comfortable run since {start.UtcDateTime:HH:mm:ss} goes on ({Num.F((input.Now - start).TotalSeconds)} s of the {Num.F(needed)} s stabilisation window), "
            + "and capacity is given back on a comfortable window";
    }

    /// <summary>How many of the newest windows the majority is taken over: the stabilisation period's worth, at least three.</summary>
    public static int Recent(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var length = WindowDuration.Parse(input.Spec.Metrics.Window);
        var stabilisation = Math.Max(0, input.Spec.Behavior.ScaleInStabilizationSeconds);
        var windows = length > TimeSpan.Zero ? (int)Math.Ceiling(stabilisation / length.TotalSeconds) : FewestWindows;
        return Math.Clamp(windows, FewestWindows, Kept);
    }

    /// <summary>"; 1 of the last 8 windows was not comfortable (within the objective)", or empty when every one was.</summary>
    public static string Note(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var recent = input.State.ComfortWindows.Take(Recent(input)).ToList();
        var noisy = recent.Count(c => !c);
        return noisy == 0 ? string.Empty
            : $"; {noisy} of the last {recent.Count} windows {(noisy == 1 ? "was" : "were")} not comfortable but within the objective, which does not restart the stabilisation";
    }
}
