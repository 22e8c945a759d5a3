using System.Globalization;
using System.Text;
using Autotune.Engine.Resource.Validation;
using Autotune.Load;

namespace Autotune.Demo.Proof;

/// <summary>bench/results/tuning.md: the machine, the command, the protocol, every measured number, and the targets met or missed.</summary>
public sealed class ProofReport(ProofOptions options, ValidatedSpec spec, string command, DateTimeOffset startedAt, string loadAtStart, IReadOnlyList<ProofProfile> profiles)
{
    /// <summary>Target: (b) at least this share of (c) in every profile.</summary>
    public const double RatioTarget = 0.9;

    /// <summary>Target: the last change within this many seconds of load.</summary>
    public const double ReachSecondsTarget = 300;

    private readonly List<ProfileResult> _results = [];

    /// <summary>The load average when the run began.</summary>
    public string LoadAtStart => loadAtStart;

    /// <summary>The simulator's predictions, one Markdown section (set when they were computed).</summary>
    public string? Simulation { get; set; }

    private double Objective => spec.Spec.Objectives.P99LatencyMs;

    /// <summary>Adds a profile's results, or replaces the ones written while it ran.</summary>
    public void Put(ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _results.RemoveAll(r => r.Profile.Name == result.Profile.Name);
        _results.Add(result);
    }

    /// <summary>One console line per profile.</summary>
    public string SummaryLine(ProfileResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Invariant($"proof: {result.Profile.Name}: highest rate held, median of {options.Repeats}: (a) {result.Median("a"):0} req/s, (b) {result.Median("b"):0} req/s, (c) {result.Median("c"):0} req/s; (b)/(c) {result.Ratio:0.00}{(result.Failure is null ? string.Empty : $"; stopped: {result.Failure}")}");
    }

    /// <summary>Writes the report (partial until <paramref name="complete"/>).</summary>
    public async Task WriteAsync(string path, TimeSpan elapsed, bool complete, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, Markdown(elapsed, complete), cancellationToken);
    }

    /// <summary>The report's text.</summary>
    public string Markdown(TimeSpan elapsed, bool complete)
    {
        var md = new StringBuilder();
        md.AppendLine("# Proof: local mode against the best static settings").AppendLine();
        var done = _results.Count(r => r.Failure is null);
        md.AppendLine(complete && done == profiles.Count && !options.TinyGrid && options.Repeats >= 3
            ? "**Status: complete** — every profile ran the full protocol below."
            : Invariant($"**Status: PARTIAL** — {done} of {profiles.Count} profile(s) completed{(options.Repeats < 3 ? Invariant($", {options.Repeats} repeat(s) instead of 3") : string.Empty)}{(options.TinyGrid ? ", tiny grid (first and last value of each dimension only)" : string.Empty)}{(complete ? string.Empty : ", the run was still going or was interrupted when this was written")}. Read the numbers as such."));
        md.AppendLine();
        md.AppendLine(Invariant($"- Run: {startedAt:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalMinutes:0.0} minutes end to end."));
        md.AppendLine($"- Machine: {Machine.Description()}; shared with other engineers' builds.");
        md.AppendLine($"- Load average at start: {loadAtStart}; at the end: {Machine.LoadAverage()}.");
        md.AppendLine($"- Command: `{command}`");
        md.AppendLine("- Prometheus: off (local mode scrapes each API process's /metrics itself; no Prometheus server runs).").AppendLine();

        md.AppendLine("## Results").AppendLine();
        md.AppendLine(Invariant($"Highest offered rate **held** (client-side P99 <= {Objective:0} ms, errors <= 0.1%, generator send-lag P99 <= 5 ms), median of the repeats, req/s:")).AppendLine();
        md.AppendLine("| profile | (a) starting settings | (a) held | (b) reached by local mode | (b) held | (c) best static (grid) | (c) held | (b)/(c) | reached after (load) | decisions |");
        md.AppendLine("|---|---|---:|---|---:|---|---:|---:|---:|---:|");
        foreach (var r in _results)
        {
            md.AppendLine(Invariant($"| {r.Profile.Name} | {r.Profile.Starting} | {Rate(r.Median("a"))} | {r.Tuning?.Reached.ToString() ?? "-"} | {Rate(r.Median("b"))} | {r.Best?.ToString() ?? "-"} | {Rate(r.Median("c"))} | {Ratio(r.Ratio)} | {Reach(r.Tuning)} | {r.Tuning?.Decisions.ToString(CultureInfo.InvariantCulture) ?? "-"} |"));
        }

        md.AppendLine().AppendLine("Secondary, for a loaded machine: the same medians when the generator's send lag is **not** judged (P99 and errors only). The targets are judged on the table above.").AppendLine();
        md.AppendLine("| profile | (a) | (b) | (c) | (b)/(c) |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in _results)
        {
            var c = r.MedianIgnoringLag("c");
            md.AppendLine(Invariant($"| {r.Profile.Name} | {Rate(r.MedianIgnoringLag("a"))} | {Rate(r.MedianIgnoringLag("b"))} | {Rate(c)} | {Ratio(c > 0 ? r.MedianIgnoringLag("b") / c : double.NaN)} |"));
        }

        md.AppendLine().AppendLine("### Targets").AppendLine();
        foreach (var r in _results)
        {
            md.AppendLine(Targets(r));
        }

        md.AppendLine();
        if (Simulation is not null)
        {
            md.AppendLine(Simulation).AppendLine();
        }

        md.AppendLine(Protocol());
        foreach (var r in _results)
        {
            md.AppendLine(Details(r));
        }

        return md.ToString();
    }

    private string Targets(ProfileResult r)
    {
        var lines = new StringBuilder();
        lines.Append(Invariant($"- **{r.Profile.Name}**: "));
        if (r.Failure is not null)
        {
            lines.Append(Invariant($"NOT MEASURED in full — the profile stopped: {r.Failure}. "));
        }

        var ratio = r.Ratio;
        lines.Append(double.IsNaN(ratio)
            ? "(b) >= 0.9x (c): cannot be judged (no (c) rate held). "
            : ratio >= RatioTarget ? Invariant($"(b) >= 0.9x (c): **met** ({ratio:0.00}x). ") : Invariant($"(b) >= 0.9x (c): **MISSED** ({ratio:0.00}x). "));
        if (r.Tuning is { } t)
        {
            lines.Append(t.LastChangeSeconds is not { } last
                ? "Reached within 5 min: no change was made (the settings reached are the starting ones). "
                : last <= ReachSecondsTarget && t.Settled
                    ? Invariant($"Reached within 5 min: **met** (last change {last:0} s into load, settled). ")
                    : Invariant($"Reached within 5 min: **MISSED** (last change {last:0} s into load{(t.Settled ? string.Empty : ", still changing when the cap stopped it")}). "));
            var swaps = t.Changes.Where(c => !c.Restart).ToList();
            var swapErrors = swaps.Sum(c => c.ErrorsAfter);
            lines.Append(swaps.Count == 0
                ? "No pool or thread change was made. "
                : swapErrors == 0
                    ? Invariant($"Zero failed requests in the 15 s after each of the {swaps.Count} pool/thread change(s): **met**. ")
                    : Invariant($"Failed requests in the 15 s after pool/thread changes: **{swapErrors}** (an upper bound on what the changes caused: overload errors in those seconds count too; see the per-change table). "));
            foreach (var restart in t.Changes.Where(c => c.Restart))
            {
                lines.Append(Invariant($"max_connections restart at {restart.Time:HH:mm:ss}: {restart.ErrorsAfter} failed of {restart.OfferedAfter} requests in the 15 s after it ({Kinds(restart.KindsAfter)}), reported apart. "));
            }
        }

        return lines.ToString().TrimEnd();
    }

    private string Protocol()
    {
        var md = new StringBuilder();
        md.AppendLine("## Protocol").AppendLine();
        md.AppendLine("Each profile runs in one sitting on its own fresh PostgreSQL and Redis (temporary directories, loopback, started by the program) and the sample API built in Release, started as separate processes:").AppendLine();
        md.AppendLine(Invariant($"1. **(b) tuning.** The API starts at the starting settings (a). Local mode runs in-process with `bench/Autotune.Demo/{ProofProfiles.SpecFile}` (Auto mode, {spec.Window.TotalSeconds:0} s windows of {spec.Spec.Metrics.ScrapesPerWindow} scrapes, cooldown {spec.Spec.Behavior.CooldownSeconds} s, budgets: minimum threads 2-256, pool 2-40, max_connections 10-100 with `restart: Immediate` through `pg_ctl`; replicas are not a knob). The open-loop load climbs the profile's ramp one window per step, then stays at the top rate. Local mode stops when {options.StableWindows} windows in a row at the top rate held the same settings (it stopped changing), or at the cap of {options.TuningCap.TotalMinutes:0.#} minutes of load. The settings it left (tuning file and PostgreSQL's max_connections) are then frozen: they are (b). \"Reached after\" is the time from the first request of load to the window that decided the last change; \"decisions\" counts windows whose decision changed a setting (changes and rollbacks), not holds."));
        md.AppendLine(Invariant($"2. **(c) grid search.** Every point of the profile's grid (minimum threads x pool x max_connections; values and reasons below) runs the ramp once at static settings (fresh API processes; max_connections set with ALTER SYSTEM and a restart before the run when it differs). A screening ramp stops after {options.ScreenStopAfterMisses} missed steps in a row (the higher steps would miss too and only cost time). The point with the highest rate held wins; ties go to the cheapest (fewest max_connections, then pool, then threads). Only the winner is repeated."));
        md.AppendLine(Invariant($"3. **(a), (b), (c) measured.** Then the three settings run the whole ramp {options.Repeats} time(s) each, interleaved a, b, c, a, b, c, ... so that the shared machine's load drifts over all three alike. Every run starts fresh API processes (the runtime's thread count does not carry over from one run to the next) and runs the same steps for the same time, after an unjudged warm-up step of {options.Warmup.TotalSeconds:0} s at the ramp's first rate (a fresh process's first requests pay for JIT and opening connections, which no tuning changes). The median over the repeats of each run's highest rate held is reported."));
        md.AppendLine(Invariant($"4. **The ramp** (open loop, `bench/Autotune.Load`): each step offers a constant arrival rate for {options.Step.TotalSeconds:0} s whatever the server answers; latency is measured from each request's intended send time into HdrHistogram; a request without an answer after 5 s is a timeout. The mix is GET /users/{{random id}} with 10% PUT, the API key on each; the API's in-process cache is off and Redis entries live 1 s, so reads reach PostgreSQL."));
        md.AppendLine(Invariant($"5. **Held**: a step is held when its client-side P99 is at or under {Objective:0} ms, at most 0.1% of its requests failed, and the generator's own send-lag P99 was at most 5 ms (a late generator cannot pass for a slow server, nor hide one). The metric compared is the highest offered rate held."));
        md.AppendLine("6. **Failed requests caused by a change**: for every change local mode made, the client's failed requests intended in the 15 s after the deciding window (and, for comparison, the 15 s before). A max_connections change restarts PostgreSQL: its window is reported apart.");
        return md.ToString();
    }

    private string Details(ProfileResult r)
    {
        var md = new StringBuilder();
        var p = r.Profile;
        md.AppendLine(Invariant($"## Profile {p.Name}")).AppendLine();
        md.AppendLine(p.Description).AppendLine();
        md.AppendLine(Invariant($"{p.Replicas} replica(s); simulated round trip {p.Scenario.RoundTripMilliseconds} ms; {(p.Scenario.BlockingDataPath ? "blocking" : "asynchronous")} data path; ramp {string.Join(" -> ", p.Scenario.RampRates)} req/s, {options.Step.TotalSeconds:0} s per step.")).AppendLine();
        md.AppendLine(Invariant($"Grid ({options.GridValues(p.MinThreadsGrid).Count} x {options.GridValues(p.PoolGrid).Count} x {options.GridValues(p.MaxConnectionsGrid).Count}): minimum threads {string.Join(", ", options.GridValues(p.MinThreadsGrid).Select(t => t?.ToString(CultureInfo.InvariantCulture) ?? "default"))}; pool {string.Join(", ", options.GridValues(p.PoolGrid))}; max_connections {string.Join(", ", options.GridValues(p.MaxConnectionsGrid))}. {p.GridReasons}")).AppendLine();
        if (r.Failure is not null)
        {
            md.AppendLine(Invariant($"**This profile stopped part-way: {r.Failure}.** What it measured before that is below.")).AppendLine();
        }

        if (r.Tuning is { } t)
        {
            md.AppendLine("### (b) Local mode on the ramp").AppendLine();
            md.AppendLine(Invariant($"Reached **{t.Reached}** after {t.Decisions} decision(s); last change {(t.LastChangeSeconds is { } s ? Invariant($"{s:0} s") : "none")} into {t.LoadSeconds:0} s of load; {(t.Settled ? "stopped because it settled" : "stopped by the cap")}; local mode exit code {t.ExitCode}.")).AppendLine();
            md.AppendLine("| window end | load | p99 (server) | bottleneck | settings | decision |").AppendLine("|---|---:|---:|---|---|---|");
            foreach (var w in t.Record.Windows)
            {
                md.AppendLine(Invariant($"| {w.Time:HH:mm:ss} | {w.Rps:0.0} req/s | {w.P99Ms:0} ms | {w.Bottleneck} | {w.Settings} | {Cell(w.Decision)} |"));
            }

            md.AppendLine();
            md.AppendLine("Client per tuning step (one per window):").AppendLine();
            md.AppendLine(StepTable(t.Steps));
            if (t.Changes.Count > 0)
            {
                md.AppendLine("Failed requests around each change (15 s before / after the deciding window):").AppendLine();
                md.AppendLine("| time | change | restart | failed before | failed after | of offered after | kinds after |").AppendLine("|---|---|---|---:|---:|---:|---|");
                foreach (var c in t.Changes)
                {
                    md.AppendLine(Invariant($"| {c.Time:HH:mm:ss} | {Cell(c.Decision)} | {(c.Restart ? "yes" : "no")} | {c.ErrorsBefore} | {c.ErrorsAfter} | {c.OfferedAfter} | {Kinds(c.KindsAfter)} |"));
                }

                md.AppendLine();
            }

            if (t.Record.Events.Count > 0)
            {
                md.AppendLine("Events:").AppendLine();
                foreach (var e in t.Record.Events)
                {
                    md.AppendLine(Invariant($"- {e.Time:HH:mm:ss} {e.Type} {e.Reason}: {e.Message}"));
                }

                md.AppendLine();
            }
        }

        if (r.Grid.Count > 0)
        {
            md.AppendLine("### (c) Grid screening (one run per point)").AppendLine();
            md.AppendLine("| settings | highest held | steps run: offered req/s -> p99 ms / errors / send-lag p99 ms |").AppendLine("|---|---:|---|");
            foreach (var g in r.Grid)
            {
                md.AppendLine(Invariant($"| {g.Settings}{(g.Settings == r.Best ? " **(best)**" : string.Empty)} | {Rate(g.HighestHeld)} | {Steps(g.Steps)} |"));
            }

            md.AppendLine();
        }

        if (r.Runs.Count > 0)
        {
            md.AppendLine("### (a), (b), (c) on the same ramp").AppendLine();
            md.AppendLine("| run | settings | highest held (ignoring send lag) | offered req/s -> p99 ms / errors / send-lag p99 ms |").AppendLine("|---|---|---:|---|");
            foreach (var run in r.Runs)
            {
                md.AppendLine(Invariant($"| ({run.Phase}) #{run.Repeat} {run.StartedAt:HH:mm:ss} | {run.Settings} | {Rate(run.HighestHeld)} ({Rate(run.HeldIgnoringLag)}) | {Steps(run.Steps)} |"));
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private string StepTable(IReadOnlyList<IntervalReport> steps)
    {
        var md = new StringBuilder();
        md.AppendLine("| step | offered | ok/s | p50 | p99 | errors | send lag p99 | held |").AppendLine("|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var s in steps)
        {
            md.AppendLine(Invariant($"| {s.Index} | {s.OfferedRate:0} | {s.CompletedRate:0.0} | {Ms(s.P50Ms)} | {Ms(s.P99Ms)} | {ProgressLines.Errors(s)} | {s.SendLagP99Ms:0.0} ms | {(ProofScore.Held(s, Objective) ? "held" : "missed")} |"));
        }

        return md.ToString();
    }

    private string Steps(IReadOnlyList<IntervalReport> steps) =>
        string.Join("; ", steps.Select(s => Invariant($"{s.OfferedRate:0} -> {Ms(s.P99Ms)} / {s.ErrorShare * 100:0.##}% / {s.SendLagP99Ms:0.0}{(ProofScore.Held(s, Objective) ? string.Empty : " ✗")}")));

    private static string Kinds(IReadOnlyDictionary<string, long> kinds) =>
        kinds.Count == 0 ? "none" : string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => Invariant($"{k.Key} {k.Value}")));

    private static string Reach(TuningOutcome? t) =>
        t is null ? "-" : t.LastChangeSeconds is { } s ? Invariant($"{s:0} s{(t.Settled ? string.Empty : " (cap)")}") : "no change";

    private static string Rate(double value) => double.IsNaN(value) ? "-" : Invariant($"{value:0}");

    private static string Ratio(double value) => double.IsNaN(value) ? "-" : Invariant($"{value:0.00}");

    private static string Ms(double value) => double.IsNaN(value) ? "-" : Invariant($"{value:0}");

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
