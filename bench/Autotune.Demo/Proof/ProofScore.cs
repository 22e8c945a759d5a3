using Autotune.Engine.Decisions;
using Autotune.Load;

namespace Autotune.Demo.Proof;

/// <summary>How the proof judges runs: what "held" means, the highest rate held, the median of repeats, the grid's winner.</summary>
public static class ProofScore
{
    /// <summary>Most failed requests a held step may have, as a share of those offered.</summary>
    public const double MaxErrorShare = 0.001;

    /// <summary>Largest generator send-lag P99 a held step may have, in milliseconds (beyond it the latencies include the generator's lateness).</summary>
    public const double MaxSendLagMs = 5;

    /// <summary>A step is held when its client-side P99 is at or under the objective, at most 0.1% of its requests failed and the generator's send-lag P99 was at most 5 ms.</summary>
    public static bool Held(IntervalReport step, double objectiveMs) =>
        step.Held(objectiveMs, MaxErrorShare, MaxSendLagMs);

    /// <summary>The highest offered rate (rounded to whole requests per second) among the held steps, or 0 when none was held.</summary>
    public static double HighestHeld(IEnumerable<IntervalReport> steps, double objectiveMs, double maxSendLagMs = MaxSendLagMs) =>
        steps.Where(s => s.Held(objectiveMs, MaxErrorShare, maxSendLagMs)).Select(s => Math.Round(s.OfferedRate)).DefaultIfEmpty(0).Max();

    /// <summary>The median (the mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Every combination of the given values (minimum threads x pool x max_connections x replicas), in that nesting order.</summary>
    public static IReadOnlyList<StaticSettings> Grid(IReadOnlyList<int?> minThreads, IReadOnlyList<int> pools, IReadOnlyList<int> maxConnections, IReadOnlyList<int>? replicas = null) =>
        (from r in replicas ?? [1] from c in maxConnections from p in pools from t in minThreads select new StaticSettings(t, p, c, r)).ToList();

    /// <summary>
    /// The cheapest grid point (<see cref="StaticSettings.CompareCost"/>) whose knee is within <paramref name="within"/>
    /// (a share, e.g. 0.02) of the grid's best knee: more connections or threads that buy less than that are cost.
    /// </summary>
    public static StaticSettings Winner(IEnumerable<(StaticSettings Settings, double HighestHeld)> screened, double within = 0)
    {
        var list = screened.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("the grid screened no settings", nameof(screened));
        }

        var best = list.Max(s => s.HighestHeld);
        var tied = list.Where(s => s.HighestHeld >= best * (1 - within)).Select(s => s.Settings).ToList();
        tied.Sort(StaticSettings.CompareCost);
        return tied[0];
    }

    /// <summary>
    /// Local mode has stopped changing: at least <paramref name="stableWindows"/> windows were judged at the ramp's top
    /// rate (after the <paramref name="rampWindows"/> windows of the climb) and the last <paramref name="stableWindows"/>
    /// all held at the same settings.
    /// </summary>
    public static bool Settled(LocalRecord record, int rampWindows, int stableWindows)
    {
        ArgumentNullException.ThrowIfNull(record);
        var windows = record.Windows;
        if (windows.Count < rampWindows - 1 + stableWindows)
        {
            return false;
        }

        var last = windows.Skip(windows.Count - stableWindows).ToList();
        return last.All(w => IsHold(w.Decision) && !IsWaitingToAct(w.Decision) && w.Settings == last[0].Settings);
    }

    /// <summary>
    /// Holds after which the engine may still act on its own: a change being confirmed or warming up, a cooldown, a
    /// stabilisation window before giving capacity back, a ledger or maintenance window awaited, or too few scrapes to
    /// judge. Stopping there would freeze settings the engine had not finished with (an over-provisioned start holds
    /// Stabilizing for a minute before it comes down).
    /// </summary>
    public static bool IsWaitingToAct(string decision) =>
        WaitingReasons.Any(reason => decision.StartsWith($"hold ({reason})", StringComparison.Ordinal));

    private static readonly string[] WaitingReasons =
    [
        DecisionReasons.AwaitingConfirmation, DecisionReasons.AwaitingWarmup, DecisionReasons.ChangeNotConfirmed,
        DecisionReasons.Cooldown, DecisionReasons.Stabilizing, DecisionReasons.AwaitingLedger,
        DecisionReasons.WaitingForMaintenanceWindow, DecisionReasons.TooFewScrapes, DecisionReasons.NoData,
        DecisionReasons.StaleData, DecisionReasons.MissingPods,
    ];

    /// <summary>True for a window decision that changed nothing ("hold (...)" or none).</summary>
    public static bool IsHold(string decision) =>
        string.IsNullOrEmpty(decision) || decision.StartsWith("hold", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A decision that only recommended ("RaisePool: Recommend raising Npgsql pool 8 -> 16: ..."): the engine changes
    /// nothing it cannot check, and in Auto mode recommends instead while PostgreSQL cannot be read. It changed no
    /// setting, so it is not counted among the decisions.
    /// </summary>
    public static bool IsRecommendation(string decision) =>
        !string.IsNullOrEmpty(decision) && decision.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0
            && decision.AsSpan(colon + 2).StartsWith("Recommend ", StringComparison.Ordinal);

    /// <summary>
    /// The client's offered and served rates in each window local mode judged after its first decision. A window spans
    /// from the previous window's end to its own; the seconds are the client's, by intended send time.
    /// </summary>
    public static IReadOnlyList<ServedWindow> AfterFirstDecision(LocalRecord record, DateTimeOffset startedAt, IReadOnlyList<IntervalReport> seconds)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(seconds);
        var windows = record.Windows;
        var first = windows.ToList().FindIndex(w => !IsHold(w.Decision) && !IsRecommendation(w.Decision));
        if (first < 0)
        {
            return [];
        }

        var served = new List<ServedWindow>();
        for (var i = first + 1; i < windows.Count; i++)
        {
            var (from, to) = (windows[i - 1].Time, windows[i].Time);
            var inside = seconds.Where(s => startedAt + s.Start >= from && startedAt + s.Start < to).ToList();
            var length = inside.Sum(s => s.Length.TotalSeconds);
            if (length > 0)
            {
                served.Add(new ServedWindow(to, inside.Sum(s => s.Offered) / length, inside.Sum(s => s.Succeeded) / length));
            }
        }

        return served;
    }

    /// <summary>
    /// The window after the first decision that served least against what the starting settings hold at its load: the
    /// offered rate capped at the start's knee (<paramref name="startKnee"/>, (a)'s median). Null without windows or
    /// without a knee.
    /// </summary>
    public static WorstWindow? Worst(IReadOnlyList<ServedWindow> windows, double startKnee)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (double.IsNaN(startKnee) || startKnee <= 0)
        {
            return null;
        }

        return windows
            .Where(w => w.OfferedRate > 0)
            .Select(w => (Window: w, Holds: Math.Min(w.OfferedRate, startKnee)))
            .Select(x => new WorstWindow(x.Window, x.Holds, x.Window.ServedRate / x.Holds))
            .MinBy(x => x.Ratio);
    }
}
