using System.Globalization;
using System.Text;

namespace Autotune.OperatorBench;

/// <summary>The fault soak as markdown.</summary>
public static class FaultSoakReport
{
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Formats <paramref name="result"/>.</summary>
    public static string Format(FaultSoakResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append('\n');
        string Windows(TimeSpan t) => (t / result.Window).ToString("F2", CultureInfo.InvariantCulture);
        static string Cases(IReadOnlyList<string> cases) => cases.Count == 0 ? "0" : $"{cases.Count}: {string.Join("; ", cases.Take(5))}{(cases.Count > 5 ? "; ..." : string.Empty)}";
        string Join<T>(IReadOnlyDictionary<string, T> values) =>
            values.Count == 0 ? "none" : string.Join(", ", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value}"));

        Line($"Fault soak of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {o.Tunings} ApiTunings in {o.Namespaces} namespaces, {o.PodsPerTuning} pods each, window {o.WindowSeconds}s; {result.Rounds} rounds of faults every {o.FaultEverySeconds}s for {result.FaultSpan.TotalSeconds:F0}s ({Math.Max(1, o.Tunings / 20)} of each per round, status patches held {o.FaultDelay.TotalMilliseconds:F0} ms); load average {LoadAverage()}; wall {result.Wall.TotalSeconds:F0}s.");
        Line(string.Empty);
        Line("| Measure | Measured |");
        Line("|---|---|");
        Line($"| API answers during the faults, by status | {string.Join(", ", result.Answered.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))} |");
        Line($"| Answers other than 2xx during the faults (status verb resource) | {Join(result.Refused)} |");
        Line($"| LISTs during the faults, by resource (watches opened: {result.WatchesDuringFaults}) | {Join(result.ListsDuringFaults)} |");
        Line($"| `autotune_watch_failures_total` (collection cause) | {Join(result.WatchFailures)} |");
        Line($"| `autotune_loop_failures_total` (loop) | {Join(result.LoopFailures)} |");
        Line($"| Pass results while faults were injected | {Join(result.ResultsDuringFaults)} |");
        Line($"| Controller ready again (every watch and loop up) after the last fault | {result.ControllerReady.TotalSeconds:F1} s ({Windows(result.ControllerReady)} windows) |");
        Line($"| Every ApiTuning had a good pass (acted, held or recommended) after the last fault | {result.EveryPass.TotalSeconds:F1} s ({Windows(result.EveryPass)} windows) |");
        Line($"| ApiTunings with status Ready=True: before the faults, after | {result.ReadyBefore}, {result.ReadyAfter} (after {result.StatusReady.TotalSeconds:F1} s, {Windows(result.StatusReady)} windows) |");
        Line($"| `autotune_status_write_timeouts_total` (kind) | {Join(result.StatusWriteTimeouts)} |");
        Line($"| Knob changes written (tuning ConfigMap or Deployment writes) for ApiTunings whose metrics ask for none, from the first fault to the end; most writes of one object | {result.Changes}; {result.MostWritesPerTarget} |");
        Line($"| Tuning ConfigMap writes of the ApiTunings asking for changes while the API faults were injected | {result.ChangeWritesDuringFaults} |");
        Line(string.Empty);
        var h = result.Hang;
        Line($"Metrics endpoints that hang: the pods of {h.Hung} ApiTunings answered no scrape for {o.FaultSeconds}s (connections accepted, never answered).");
        Line(string.Empty);
        Line("| Measure | Measured |");
        Line("|---|---|");
        Line($"| Hung scrapes given up, longest wait, still waiting at the end | {h.HungScrapes}, {h.LongestHeld.TotalSeconds:F2} s, {h.StillOpen} |");
        Line($"| `autotune_scrape_errors_total` of the hung ApiTunings over the hang | {h.HungScrapeErrors:F0} |");
        Line($"| Pass results of the hung ApiTunings until their pods answered again | {Join(h.HungResults)} |");
        Line($"| Knob changes written during the hang (ApiTunings whose metrics ask for none) | {h.Changes} |");
        Line($"| Other ApiTunings with a good pass during the hang; longest one went without | {h.OthersWithGoodPass} of {h.Others}; {h.LongestGapOfOthers.TotalSeconds:F1} s ({Windows(h.LongestGapOfOthers)} windows) |");
        Line($"| Every ApiTuning had a good pass after the pods answered again | {h.EveryPass.TotalSeconds:F1} s ({Windows(h.EveryPass)} windows) |");
        Line($"| Hung ApiTunings with MetricsAvailable=True: before, after | {h.MetricsAvailableBefore}, {h.MetricsAvailableAfter} (after {h.MetricsBack.TotalSeconds:F1} s, {Windows(h.MetricsBack)} windows) |");
        Line(string.Empty);
        var l = result.Leadership;
        Line($"Loss of leadership: another identity took the Lease and held it {l.Held.TotalSeconds:F0}s, then handed it back.");
        Line(string.Empty);
        Line("| Measure | Measured |");
        Line("|---|---|");
        Line($"| ApiTunings with a change in flight when the Lease was taken | {l.ChangesInFlight} |");
        Line($"| The operator stopped leading after the Lease was taken | {(l.Noticed is { } n ? $"{n.TotalSeconds:F1} s" : "never")} |");
        Line($"| Writes (status, ConfigMaps, Deployments) before it noticed; after, while the other held the Lease | {l.WritesBeforeNotice}; {l.WritesAfterNotice} |");
        Line($"| Leading again (every watch up) after the Lease was handed back | {l.LeadingAgain.TotalSeconds:F1} s ({Windows(l.LeadingAgain)} windows) |");
        Line($"| Every ApiTuning had a good pass after the Lease was handed back | {l.EveryPass.TotalSeconds:F1} s ({Windows(l.EveryPass)} windows) |");
        Line($"| ApiTunings with status Ready=True at the end | {l.ReadyAfter} (after {l.StatusReady.TotalSeconds:F1} s, {Windows(l.StatusReady)} windows) |");
        Line(string.Empty);
        var r = result.Restart;
        Line("The operator killed (its API client disposed, then cancelled: the Lease not handed back) and a new instance started.");
        Line(string.Empty);
        Line("| Measure | Measured |");
        Line("|---|---|");
        Line($"| ApiTunings with a change in flight at the kill | {r.ChangesInFlight} |");
        Line($"| The new instance led after the kill | {r.NewLeader.TotalSeconds:F1} s ({Windows(r.NewLeader)} windows) |");
        Line($"| Writes (status, ConfigMaps, Deployments) no leader made: the killed instance's begun after the kill, the new one's before its Lease write | {r.WritesWithoutLeader.Count}{(r.WritesWithoutLeader.Count == 0 ? string.Empty : $": {string.Join("; ", r.WritesWithoutLeader)}")} |");
        Line($"| Every ApiTuning had a good pass of the new instance after the kill | {r.EveryPass.TotalSeconds:F1} s ({Windows(r.EveryPass)} windows) |");
        Line($"| ApiTunings with status Ready=True at the end | {r.ReadyAfter} (after {r.StatusReady.TotalSeconds:F1} s, {Windows(r.StatusReady)} windows) |");
        Line(string.Empty);
        var a = result.Audit;
        Line($"Changes in flight through every phase: the pods of {a.Targets} ApiTunings (every {o.ChangingEvery}th) report thread starvation until the end of the last phase, then a met demand; each change is checked against the tuning ConfigMap writes the API server stored, by instance.");
        Line(string.Empty);
        Line("| Measure | Measured |");
        Line("|---|---|");
        Line($"| Tuning ConfigMap writes, by instance; most for one ApiTuning; highest minimum threads | {Join(a.Writes)}; {a.MostWritesOfOne}; {a.HighestMinThreads} |");
        Line($"| Minimum-threads decisions recorded in status (resumed from the ConfigMap by a new instance); decision Events | {a.Decisions} ({a.Resumed}); {a.DecisionEvents} |");
        Line($"| Decisions without their ConfigMap write (applied never) | {Cases(a.DecisionsWithoutWrite)} |");
        Line($"| ConfigMap writes without their decision in status (lost) | {Cases(a.WritesWithoutDecision)} |");
        Line($"| Decision Events whose decision status never recorded | {Cases(a.EventsWithoutStatus)} |");
        Line($"| Applied twice: a generation written with two contents; a file written again; a move repeated | {Cases(a.GenerationsWrittenTwice)}; {Cases(a.Rewrites)}; {Cases(a.RepeatedMoves)} |");
        Line($"| Minimum threads disagreeing at the end between status, the ConfigMap and the pods (waited {a.Settled.TotalSeconds:F1} s, {Windows(a.Settled)} windows) | {Cases(a.Disagreeing)} |");
        Line(string.Empty);
        Line($"Command: `{command}`");
        return sb.ToString();
    }
}
