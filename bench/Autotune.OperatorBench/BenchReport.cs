using System.Globalization;
using System.Text;

namespace Autotune.OperatorBench;

/// <summary>The run as markdown: the targets of issue 5 against what was measured, the machine and the command.</summary>
public static class BenchReport
{
    /// <summary>Targets: RSS under 150 MB, reconcile P99 under 50 ms, no LIST per steady minute, at most 2 requests per unchanged pass.</summary>
    public const double RssTargetMb = 150, P99TargetMs = 50, ListsTarget = 0, RequestsTarget = 2;

    /// <summary>Formats <paramref name="result"/>.</summary>
    public static string Format(BenchResult result, string command)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var f = result.Final;
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append('\n');
        string Mb(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MB" : "n/a";
        string Met(bool met) => met ? "met" : "**not met**";

        Line($"Run of {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: {o.Tunings} ApiTunings in {o.Namespaces} namespaces, {o.PodsPerTuning} ready pods each, window {o.WindowSeconds}s with {o.ScrapesPerWindow} scrapes; {o.Passes} passes each; wall {result.Wall.TotalSeconds:F0}s.");
        Line(string.Empty);
        Line("| Measure | Target | Measured | |");
        Line("|---|---|---|---|");
        var rssMb = result.RssBytes / 1048576.0;
        Line($"| Operator RSS at the end of the steady state (peak over the run) | < {RssTargetMb} MB | {Mb(result.RssBytes)} ({Mb(result.PeakRssBytes)}) | {(rssMb is null ? "n/a" : Met(rssMb < RssTargetMb && result.PeakRssBytes / 1048576.0 < RssTargetMb))} |");
        Line($"| Reconcile duration P50 / P99 / max, excluding scrapes ({f.Timed} passes) | P99 < {P99TargetMs} ms | {f.P50Ms:F1} / {f.P99Ms:F1} / {f.MaxMs:F1} ms | {Met(f.P99Ms < P99TargetMs)} |");
        Line($"| LIST calls per steady-state minute ({result.SteadyLists} in {result.Steady.TotalSeconds:F0}s) | 0 | {result.ListsPerMinute:F2} | {Met(result.SteadyLists == 0)} |");
        Line($"| API requests per pass in the steady state ({result.SteadyRequests} requests / {result.SteadyPasses} passes) | <= {RequestsTarget} | {result.RequestsPerPass:F2} | {Met(result.RequestsPerPass <= RequestsTarget)} |");
        Line(string.Empty);
        Line($"- Memory is of {result.MemoryScope}; managed heap still reachable after a full GC while the controller ran {Mb(f.LiveBytes)} ({f.LiveBytes / 1024.0 / Math.Max(1, o.Tunings):F0} KB per ApiTuning).");
        Line($"- Every ApiTuning had its first pass {result.FirstPassAll.TotalSeconds:F0}s after the operator started; pod LISTs by the cache over the run: {f.PodLists}; status writes: {f.StatusWrites}.");
        Line($"- Passes by result: {string.Join(", ", f.Results.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} {r.Value}"))}.");
        Line($"- Steady-state requests by verb and resource: {(result.SteadyBreakdown.Count == 0 ? "none" : string.Join(", ", result.SteadyBreakdown.Select(b => $"{b.Key} {b.Value}")))}; watches reopened (server-side timeouts): {result.SteadyWatches}.");
        Line($"- Scrapes served from the capture: {result.Scrapes}.");
        Line($"- Machine: {Environment.ProcessorCount} cores ({Cpu()}), shared; load average {result.LoadAtStart} at the start, {result.LoadAtEnd} at the end; .NET {Environment.Version}.");
        if (f.Runtime is { } rt)
        {
            Line($"- Operator runtime: {rt.Gc}; collections of gen0/1/2: {string.Join('/', rt.Collections)}; {rt.Pauses} pauses of its threads totalling {rt.PauseTotalMs:F0} ms (P99 {rt.PauseP99Ms:F1} ms, longest {rt.PauseMaxMs:F1} ms; {rt.NonGcPauses} not for a GC).");
            var serverPaused = rt.Tail.Select(t => t.PausedMs(result.ServerPauses)).ToList();
            Line($"- The operator's requests to the API server ({rt.ApiRequests}, watches aside): P50 {rt.ApiP50Ms:F1} ms, P99 {rt.ApiP99Ms:F1} ms; of the {rt.Tail.Length} passes at or above the P99, {serverPaused.Count(p => p > 0)} overlapped a GC pause of the API test server's process ({(serverPaused.Count == 0 ? 0 : serverPaused.Average()):F1} ms on average).");
            Line($"- Reconcile tail against the pauses: of the {rt.TailPasses} passes at or above the P99, {rt.TailPassesPaused} overlapped a pause, paused {rt.TailPausedMs:F1} ms on average of their {rt.TailMeanMs:F1} ms; {rt.PassesPausedShare:P1} of all passes overlapped one; the P99 without the time paused: {rt.P99WithoutPausesMs:F1} ms.");
        }

        Line($"- The benchmark's own process (API test server, capture server): {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, collections of gen0/1/2: {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms in all.");
        if (!o.InProcess)
        {
            Line($"- The operator ran with its runtimeconfig.json and its image's environment ({string.Join(", ", ChildProcessOperator.ImageEnvironment().Select(e => $"{e.Key}={e.Value}"))}).");
        }

        if (o.OperatorEnvironment.Count > 0)
        {
            Line($"- Operator process environment added: {string.Join(", ", o.OperatorEnvironment.Select(e => $"{e.Key}={e.Value}"))}.");
        }

        Line($"- Command: `{command}`");
        return sb.ToString();
    }

    private static string Cpu()
    {
        const string path = "/proc/cpuinfo";
        return File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
    }
}
