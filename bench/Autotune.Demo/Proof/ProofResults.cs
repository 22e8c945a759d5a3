using Autotune.Load;

namespace Autotune.Demo.Proof;

/// <summary>One ramp at static settings: (a), (b), (c) or a grid screening run.</summary>
/// <param name="Phase">a (starting), b (reached by the operator), c (best of the grid) or grid (screening).</param>
/// <param name="Repeat">1..repeats; 0 for a screening run.</param>
/// <param name="Settings">The settings it ran at.</param>
/// <param name="HighestHeld">The highest rate held, req/s (0: none).</param>
/// <param name="Steps">The client's report per step (a screening run may stop early).</param>
/// <param name="StartedAt">When its first request was intended.</param>
/// <param name="HeldIgnoringLag">The highest rate held when the generator's send lag is not judged (a secondary number for a loaded machine).</param>
public sealed record RampRun(string Phase, int Repeat, StaticSettings Settings, double HighestHeld, IReadOnlyList<IntervalReport> Steps, DateTimeOffset StartedAt, double HeldIgnoringLag);

/// <summary>Client errors around one change local mode made.</summary>
/// <param name="Time">When the window that decided it ended.</param>
/// <param name="Decision">The decision, as local mode recorded it.</param>
/// <param name="Restart">A max_connections change (PostgreSQL restarts): its window is reported apart.</param>
/// <param name="ErrorsBefore">Failed requests intended in the 15 s before.</param>
/// <param name="ErrorsAfter">Failed requests intended in the 15 s after.</param>
/// <param name="OfferedAfter">Requests intended in the 15 s after.</param>
/// <param name="KindsAfter">The failures after, by kind.</param>
public sealed record ChangeErrors(DateTimeOffset Time, string Decision, bool Restart, long ErrorsBefore, long ErrorsAfter, long OfferedAfter, IReadOnlyDictionary<string, long> KindsAfter);

/// <summary>What local mode did on the ramp: the settings it reached, how long and how many decisions it took.</summary>
/// <param name="Reached">The settings at the end (then frozen for the (b) runs).</param>
/// <param name="LoadSeconds">How long load ran while local mode tuned.</param>
/// <param name="LastChangeSeconds">Seconds of load until the last change was decided (null: none).</param>
/// <param name="Decisions">Windows whose decision changed something (changes and rollbacks).</param>
/// <param name="Settled">True when it stopped because it had stopped changing, false when the cap stopped it.</param>
/// <param name="Record">Local mode's windows and Events.</param>
/// <param name="Changes">Client errors around each change.</param>
/// <param name="Steps">The client's report per tuning step (one per window).</param>
/// <param name="ExitCode">Local mode's exit code.</param>
public sealed record TuningOutcome(StaticSettings Reached, double LoadSeconds, double? LastChangeSeconds, int Decisions, bool Settled, LocalRecord Record, IReadOnlyList<ChangeErrors> Changes, IReadOnlyList<IntervalReport> Steps, int ExitCode);

/// <summary>Everything measured for one profile; a profile that failed part-way keeps what it measured and why it stopped.</summary>
public sealed record ProfileResult(ProofProfile Profile, TuningOutcome? Tuning, IReadOnlyList<RampRun> Grid, StaticSettings? Best, IReadOnlyList<RampRun> Runs, string? Failure)
{
    /// <summary>The median highest rate held over the repeats of a phase (a, b or c), or NaN without runs.</summary>
    public double Median(string phase) => ProofScore.Median(Runs.Where(r => r.Phase == phase).Select(r => r.HighestHeld).ToList());

    /// <summary>The median highest rate held with the generator's send lag not judged, or NaN without runs.</summary>
    public double MedianIgnoringLag(string phase) => ProofScore.Median(Runs.Where(r => r.Phase == phase).Select(r => r.HeldIgnoringLag).ToList());

    /// <summary>(b) / (c), or NaN.</summary>
    public double Ratio => Median("c") > 0 ? Median("b") / Median("c") : double.NaN;
}
