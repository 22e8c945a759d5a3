using System.Globalization;
using System.Text;

namespace Autotune.OperatorBench;

/// <summary>The process-kill soak as markdown.</summary>
public static class ProcessKillReport
{
    /// <summary>Formats <paramref name="result"/>.</summary>
    public static string Format(ProcessKillResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var a = result.Audit;
        var window = TimeSpan.FromSeconds(o.WindowSeconds);
        string Windows(TimeSpan t) => (t / window).ToString("F2", CultureInfo.InvariantCulture);
        static string Cases(IReadOnlyList<string> cases) => cases.Count == 0 ? "0" : $"{cases.Count}: {string.Join("; ", cases.Take(5))}{(cases.Count > 5 ? "; ..." : string.Empty)}";
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append('\n');
        Line($"Process-kill soak of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {o.Tunings} ApiTunings in {o.Namespaces} namespaces, {a.Targets} of them asking for changes (every {o.ChangingEvery}th), window {o.WindowSeconds}s; the operator process sent SIGKILL the moment a tuning ConfigMap write of its landed after {o.KillAfterWrites} writes; load average {load}; wall {result.Wall.TotalSeconds:F0}s.");
        Line(string.Empty);
        Line("| Measure | Measured |");
        Line("|---|---|");
        Line($"| Tuning ConfigMap writes stored at the kill; ApiTunings with a change in flight just after it | {result.WritesBeforeKill}; {result.ChangesInFlight} |");
        Line($"| Writes the killed process sent before the kill that landed after it (its Lease still ran) | {Cases(result.LandedAfterKill)} |");
        Line($"| The second process held the Lease after the kill | {result.NewLeader.TotalSeconds:F1} s ({Windows(result.NewLeader)} windows) |");
        Line($"| Writes no leader made: the killed process's taken up once the second led, the second's before its Lease write | {Cases(result.WritesWithoutLeader)} |");
        Line($"| Tuning ConfigMap writes, by process; most for one ApiTuning | {string.Join(", ", a.Writes.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value}"))}; {a.MostWritesOfOne} |");
        Line($"| Minimum-threads decisions recorded in status (resumed from the ConfigMap by the second process); decision Events | {a.Decisions} ({a.Resumed}); {a.DecisionEvents} |");
        Line($"| Decisions without their ConfigMap write; writes without their decision in status; Events without their decision in status | {Cases(a.DecisionsWithoutWrite)}; {Cases(a.WritesWithoutDecision)}; {Cases(a.EventsWithoutStatus)} |");
        Line($"| Applied twice: a generation written with two contents; a file written again; a move repeated | {Cases(a.GenerationsWrittenTwice)}; {Cases(a.Rewrites)}; {Cases(a.RepeatedMoves)} |");
        Line($"| Minimum threads disagreeing at the end between status, the ConfigMap and the pods (waited {a.Settled.TotalSeconds:F1} s) | {Cases(a.Disagreeing)} |");
        Line(string.Empty);
        Line($"Command: `{command}`");
        return sb.ToString();
    }
}
