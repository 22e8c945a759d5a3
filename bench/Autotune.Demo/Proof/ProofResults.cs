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
/// <param name="Owner">The profile whose start it ran ((a), (b)); empty for what a workload's profiles share (grid, (c), baselines).</param>
/// <param name="LoadSeconds">Seconds of load it offered (warm-up and idle gaps included).</param>
/// <param name="WallSeconds">Seconds it took end to end (setting max_connections, starting and stopping the API processes included).</param>
public sealed record RampRun(string Phase, int Repeat, StaticSettings Settings, double HighestHeld, IReadOnlyList<IntervalReport> Steps, DateTimeOffset StartedAt, double HeldIgnoringLag, string Owner = "", double LoadSeconds = 0, double WallSeconds = 0);

/// <summary>The trial-based search over the grid (<see cref="TrialSearch"/>) beside local mode.</summary>
/// <param name="Order">The points in the order the search tried them, with each one's knee and minutes of load.</param>
/// <param name="TrialsToWithin">Trials until one came within 5% of the grid's best knee.</param>
/// <param name="MinutesToWithin">Minutes of load those trials took.</param>
/// <param name="RandomExpected">Expected trials of a random search for the same (no repetition).</param>
public sealed record TrialOutcome(IReadOnlyList<(StaticSettings Settings, double Knee, double Minutes)> Order, int TrialsToWithin, double MinutesToWithin, double RandomExpected);

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
/// <param name="AfterFirstDecision">What the client offered and was served in each window local mode judged after its first decision.</param>
public sealed record TuningOutcome(StaticSettings Reached, double LoadSeconds, double? LastChangeSeconds, int Decisions, bool Settled, LocalRecord Record, IReadOnlyList<ChangeErrors> Changes, IReadOnlyList<IntervalReport> Steps, int ExitCode, IReadOnlyList<ServedWindow>? AfterFirstDecision = null);

/// <summary>One window of the tuning load as the client saw it.</summary>
/// <param name="End">When local mode's window ended.</param>
/// <param name="OfferedRate">Requests per second intended in the window.</param>
/// <param name="ServedRate">Of those, answered with 2xx, per second.</param>
public sealed record ServedWindow(DateTimeOffset End, double OfferedRate, double ServedRate);

/// <summary>The window after the first decision that served least against what the starting settings hold at its load.</summary>
/// <param name="Window">The window.</param>
/// <param name="StartHolds">What the start serves at that load: the offered rate, capped at (a)'s knee.</param>
/// <param name="Ratio">Served over <paramref name="StartHolds"/>.</param>
public sealed record WorstWindow(ServedWindow Window, double StartHolds, double Ratio);

/// <summary>Everything measured for one profile; a profile that failed part-way keeps what it measured and why it stopped.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Tuning">What local mode did from the profile's start.</param>
/// <param name="Grid">The workload's grid screening.</param>
/// <param name="Best">(c): the cheapest grid point within 2% of the grid's best knee.</param>
/// <param name="Runs">(a) and (b) of this profile, (c) and the baselines of its workload.</param>
/// <param name="Failure">Why it stopped part-way, or null.</param>
/// <param name="Trial">The trial-based search on the workload's grid, or null.</param>
public sealed record ProfileResult(ProofProfile Profile, TuningOutcome? Tuning, IReadOnlyList<RampRun> Grid, StaticSettings? Best, IReadOnlyList<RampRun> Runs, string? Failure, TrialOutcome? Trial = null)
{
    /// <summary>The median highest rate held over the repeats of a phase (a, b, c, defaults, hikari), or NaN without runs.</summary>
    public double Median(string phase) => ProofScore.Median(Runs.Where(r => r.Phase == phase).Select(r => r.HighestHeld).ToList());

    /// <summary>The median and range of a phase's knees.</summary>
    public Spread Knee(string phase) => KneeRamp.SpreadOf(Runs.Where(r => r.Phase == phase).Select(r => r.HighestHeld).ToList());

    /// <summary>The settings a phase ran at (its first run), or null.</summary>
    public StaticSettings? SettingsOf(string phase) => Runs.FirstOrDefault(r => r.Phase == phase)?.Settings;

    /// <summary>The grid's best knee in screening, or NaN.</summary>
    public double GridBest => Grid.Count == 0 ? double.NaN : Grid.Max(g => g.HighestHeld);

    /// <summary>The median highest rate held with the generator's send lag not judged, or NaN without runs.</summary>
    public double MedianIgnoringLag(string phase) => ProofScore.Median(Runs.Where(r => r.Phase == phase).Select(r => r.HeldIgnoringLag).ToList());

    /// <summary>(b) / (c), or NaN.</summary>
    public double Ratio => Median("c") > 0 ? Median("b") / Median("c") : double.NaN;
}
