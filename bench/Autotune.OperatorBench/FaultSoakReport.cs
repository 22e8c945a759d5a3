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
        Line($"| Knob changes written (tuning ConfigMap or Deployment writes) from the first fault to the end | {result.Changes} |");
        Line(string.Empty);
        Line($"Command: `{command}`");
        return sb.ToString();
    }
}
