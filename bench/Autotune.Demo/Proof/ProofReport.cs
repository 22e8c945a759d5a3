using System.Globalization;
using System.Text;
using Autotune.Engine.Resource.Validation;
using Autotune.Load;

namespace Autotune.Demo.Proof;

/// <summary>bench/results/tuning.md: the machine, the command, the protocol, every measured number, and the targets met or missed.</summary>
public sealed class ProofReport(ProofOptions options, ValidatedSpec spec, string command, DateTimeOffset startedAt, string loadAtStart, IReadOnlyList<ProofProfile> profiles)
{
    /// <summary>Target: (b)'s knee at least this share of (c)'s in every profile.</summary>
    public const double RatioTarget = 0.95;

    /// <summary>Target: (b)'s connections (replicas x pool) at most this multiple of (c)'s.</summary>
    public const double ConnectionsTarget = 1.1;

    /// <summary>Target: the trial-based search needs at least this many times local mode's minutes of load.</summary>
    public const double MinutesTarget = 10;

    /// <summary>Target: the last change within this many seconds of load.</summary>
    public const double ReachSecondsTarget = 300;

    /// <summary>
    /// Target: no window after the first decision serves less than this share of what the starting settings hold at its
    /// load (the offered rate capped at (a)'s knee); the 5% below 1 is the client's window-to-window noise.
    /// </summary>
    public const double ServedFloor = 0.95;

    private readonly List<ProfileResult> _results = [];
    private readonly Dictionary<string, string> _plots = new(StringComparer.Ordinal);

    /// <summary>The load average when the run began.</summary>
    public string LoadAtStart => loadAtStart;

    /// <summary>The simulator's predictions, one Markdown section (set when they were computed).</summary>
    public string? Simulation { get; set; }

    /// <summary>The generator check's section (set when it ran).</summary>
    public string? Generator { get; set; }

    /// <summary>The run-time estimate printed at the start.</summary>
    public string? Estimate { get; set; }

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
        return Invariant($"proof: {result.Profile.Name}: knee, median [range] of {options.Repeats}: (a) {result.Knee("a")}, (b) {result.Knee("b")} at {result.Tuning?.Reached.ToString() ?? "-"}, (c) {result.Knee("c")} at {result.Best?.ToString() ?? "-"} req/s; (b)/(c) {result.Ratio:0.00}; defaults {result.Knee(Baselines.DefaultsPhase)}, HikariCP {result.Knee(Baselines.HikariPhase)}; trial search {result.Trial?.TrialsToWithin.ToString(CultureInfo.InvariantCulture) ?? "-"} trial(s), {result.Trial?.MinutesToWithin.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"} min{(result.Failure is null ? string.Empty : $"; stopped: {result.Failure}")}");
    }

    /// <summary>Writes the report (partial until <paramref name="complete"/>).</summary>
    public async Task WriteAsync(string path, TimeSpan elapsed, bool complete, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _plots.Clear();
        foreach (var result in _results)
        {
            var plot = KneePlot.PathFor(path, result.Profile.Name);
            if (KneePlot.Write(plot, result, Objective))
            {
                _plots[result.Profile.Name] = Path.GetFileName(plot);
            }
        }

        await File.WriteAllTextAsync(path, Markdown(elapsed, complete), cancellationToken);
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".knees.json"), KneesJson(), cancellationToken);
    }

    /// <summary>
    /// Every ramp's knee as JSON (profile, phase, repeat, settings, highest rate held): the measured side of the
    /// simulator's calibration, kept beside the report so a model can be fitted to a run without repeating it.
    /// </summary>
    public string KneesJson() => System.Text.Json.JsonSerializer.Serialize(
        _results.SelectMany(r => r.Grid.Concat(r.Runs).Select(run => new
        {
            profile = r.Profile.Name,
            phase = run.Phase,
            repeat = run.Repeat,
            replicas = run.Settings.Replicas,
            minThreads = run.Settings.MinThreads,
            pool = run.Settings.Pool,
            maxConnections = run.Settings.MaxConnections,
            highestHeld = run.HighestHeld,
            heldIgnoringLag = run.HeldIgnoringLag,
        })),
        new System.Text.Json.JsonSerializerOptions { WriteIndented = true });

    /// <summary>The report's text.</summary>
    public string Markdown(TimeSpan elapsed, bool complete)
    {
        var md = new StringBuilder();
        md.AppendLine("# Proof: local mode against the best static settings, at the knee").AppendLine();
        var done = _results.Count(r => r.Failure is null);
        md.AppendLine(complete && done == profiles.Count && !options.TinyGrid && !options.Smoke && options.Repeats >= 3
            ? "**Status: complete** — every profile ran the full protocol below."
            : Invariant($"**Status: PARTIAL** — {done} of {profiles.Count} profile(s) completed{(options.Repeats < 3 ? Invariant($", {options.Repeats} repeat(s) instead of 3") : string.Empty)}{(options.TinyGrid ? ", tiny grid (first and last value of each dimension only)" : string.Empty)}{(options.Smoke ? ", smoke mode (short steps, coarse ramps: checks the harness, measures nothing)" : string.Empty)}{(complete ? string.Empty : ", the run was still going or was interrupted when this was written")}. Read the numbers as such."));
        md.AppendLine();
        md.AppendLine(Invariant($"- Run: {startedAt:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalMinutes:0.0} minutes end to end."));
        md.AppendLine($"- Machine: {Machine.Description()}; shared with other engineers' builds.");
        md.AppendLine($"- Load average at start: {loadAtStart}; at the end: {Machine.LoadAverage()}.");
        md.AppendLine($"- Command: `{command}`");
        md.AppendLine($"- Code: commit {Machine.SourceCommit()}.");
        if (Estimate is not null)
        {
            md.AppendLine($"- Plan: {Estimate}.");
        }

        var ramps = _results.SelectMany(r => r.Grid.Concat(r.Runs)).Distinct().ToList();
        if (ramps.Count > 0)
        {
            md.AppendLine(Invariant($"- Time per ramp, measured: {ramps.Count} ramps, {ramps.Average(r => r.WallSeconds):0.0} s each on average end to end, of which {ramps.Average(r => r.LoadSeconds):0.0} s of load and {ramps.Average(r => r.Steps.Count):0.0} judged steps (the estimate assumes {ProofPlan.RampOverhead.TotalSeconds:0} s to start and stop the API processes)."));
        }

        md.AppendLine("- Prometheus: off (local mode scrapes each API process's /metrics itself; no Prometheus server runs).").AppendLine();

        md.AppendLine("## Results").AppendLine();
        md.AppendLine(Invariant($"The knee: the highest offered rate **held** (client-side P99 <= {Objective:0} ms, errors <= 0.1%, generator send-lag P99 <= 5 ms) on a ramp climbing {(options.Growth - 1) * 100:0}% a step until a step misses; median [lowest-highest] of {options.Repeats} repeat(s), req/s. Cost: connections (replicas x pool) / minimum threads / replicas.")).AppendLine();
        md.AppendLine("| profile | (a) starting settings | (a) knee | (b) reached by local mode | (b) knee | (c) cheapest within 2% of the grid's best | (c) knee | (b)/(c) knee | cost (b) | cost (c) | (b)/(c) connections | reached after (load) | decisions |");
        md.AppendLine("|---|---|---:|---|---:|---|---:|---:|---|---|---:|---:|---:|");
        foreach (var r in _results)
        {
            var b = r.Tuning?.Reached;
            md.AppendLine(Invariant($"| {r.Profile.Name} | {r.Profile.Starting} | {r.Knee("a")} | {b?.ToString() ?? "-"} | {r.Knee("b")} | {r.Best?.ToString() ?? "-"} | {r.Knee("c")} | {Ratio(r.Ratio)} | {Cost(b)} | {Cost(r.Best)} | {Ratio(ConnectionsRatio(r))} | {Reach(r.Tuning)} | {r.Tuning?.Decisions.ToString(CultureInfo.InvariantCulture) ?? "-"} |"));
        }

        md.AppendLine().AppendLine("### Baselines on the same stack and ramps").AppendLine();
        md.AppendLine(Invariant($"Runtime and Npgsql defaults (minimum threads = cores, pool {Baselines.NpgsqlDefaultPool}); HikariCP's formula (pool = cores x 2 + 1 = {(Environment.ProcessorCount * 2) + 1} per pod); median [range] of {options.BaselineRepeats} run(s) each. Grid best: the highest knee any grid point held in screening.")).AppendLine();
        md.AppendLine("| workload | defaults knee | defaults cost | HikariCP knee | HikariCP cost | grid's best knee | (c) knee | (b) knee (per start) |").AppendLine("|---|---:|---|---:|---|---:|---:|---|");
        foreach (var w in _results.GroupBy(r => r.Profile.Workload))
        {
            var r = w.First();
            md.AppendLine(Invariant($"| {w.Key} | {r.Knee(Baselines.DefaultsPhase)} | {Cost(r.SettingsOf(Baselines.DefaultsPhase))} | {r.Knee(Baselines.HikariPhase)} | {Cost(r.SettingsOf(Baselines.HikariPhase))} | {Rate(r.GridBest)} | {r.Knee("c")} | {string.Join(", ", w.Select(p => Invariant($"{p.Profile.Name} {p.Knee("b")}")))} |"));
        }

        md.AppendLine().AppendLine("### A trial-based search beside local mode").AppendLine();
        md.AppendLine("The trial search (`Proof/TrialSearch.cs`: a coordinate search over the grid, one knob a grid value up or down at a time, a random restart when stuck; each trial one ramp to the knee at one fixed setting) from the workload's starting settings, against local mode tuning live: trials and minutes of load until a setting within 5% of the grid's best knee, next to local mode's decisions and minutes of live load until its last change. Random search: the expected trials of drawing grid points at random until one is within 5%.").AppendLine();
        md.AppendLine("| profile | grid points | trial search: trials / min of load to within 5% | random search: expected trials | local mode: decisions / min of live load to its last change | trial min / local min |").AppendLine("|---|---:|---|---:|---|---:|");
        foreach (var r in _results)
        {
            var local = LocalMinutes(r.Tuning);
            md.AppendLine(Invariant($"| {r.Profile.Name} | {r.Grid.Count} | {(r.Trial is { } t ? Invariant($"{t.TrialsToWithin} / {t.MinutesToWithin:0.0}") : "-")} | {(r.Trial is { } u ? Invariant($"{u.RandomExpected:0.0}") : "-")} | {(r.Tuning is { } tu ? Invariant($"{tu.Decisions} / {local:0.0}") : "-")} | {Ratio(r.Trial is { } v && local > 0 ? v.MinutesToWithin / local : double.NaN)} |"));
        }

        md.AppendLine().AppendLine("Secondary, for a loaded machine: the same medians when the generator's send lag is **not** judged (P99 and errors only). The targets are judged on the tables above.").AppendLine();
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
        if (Generator is not null)
        {
            md.AppendLine(Generator).AppendLine();
        }

        if (Simulation is not null)
        {
            md.AppendLine(Simulation).AppendLine();
        }

        var report = Path.GetRelativePath(SampleApiCommand.RepositoryRoot(), Path.GetFullPath(options.OutFile));
        md.AppendLine(ProofSimulation.CalibrationPointer(Path.ChangeExtension(report, ".knees.json"), report)).AppendLine();

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
            ? "(b) knee >= 0.95x (c)'s: cannot be judged (no (c) rate held). "
            : ratio >= RatioTarget ? Invariant($"(b) knee >= 0.95x (c)'s: **met** ({ratio:0.00}x). ") : Invariant($"(b) knee >= 0.95x (c)'s: **MISSED** ({ratio:0.00}x). "));
        var connections = ConnectionsRatio(r);
        lines.Append(double.IsNaN(connections)
            ? string.Empty
            : connections <= ConnectionsTarget ? Invariant($"(b) connections <= 1.1x (c)'s: **met** ({connections:0.00}x). ") : Invariant($"(b) connections <= 1.1x (c)'s: **MISSED** ({connections:0.00}x). "));
        var local = LocalMinutes(r.Tuning);
        if (r.Trial is { } trial && local > 0)
        {
            var times = trial.MinutesToWithin / local;
            lines.Append(times >= MinutesTarget
                ? Invariant($"At least 10x fewer minutes of load than the trial search: **met** ({times:0.0}x). ")
                : Invariant($"At least 10x fewer minutes of load than the trial search: **MISSED** ({times:0.0}x). "));
        }
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
            if (ProofScore.Worst(t.AfterFirstDecision ?? [], r.Median("a")) is { } worst)
            {
                var restarts = t.Changes.Any(c => c.Restart) ? " (max_connections restarts included)" : string.Empty;
                lines.Append(Invariant($"No window after the first decision below what the start holds at its load{restarts}: {(worst.Ratio >= ServedFloor ? "**met**" : "**MISSED**")} (lowest {worst.Ratio:0.00}x: {worst.Window.ServedRate:0} req/s served of {worst.Window.OfferedRate:0} offered in the window ending {worst.Window.End:HH:mm:ss}, against {worst.StartHolds:0}). "));
            }
            else if (t.AfterFirstDecision is { Count: > 0 })
            {
                lines.Append("No window after the first decision below what the start holds: cannot be judged ((a) held no step of its ramp). ");
            }

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
        md.AppendLine("A profile is a workload (the sample API, its settings and its load) and the settings it starts from; the fast-async workload is run from too low (fast-async) and from too high (over-provisioned). Each workload runs in one sitting on its own fresh PostgreSQL and Redis (temporary directories, loopback, started by the program) and the sample API built in Release, started as separate processes:").AppendLine();
        md.AppendLine(Invariant($"1. **The ramp to the knee** (open loop, `bench/Autotune.Load`): from the workload's start rate, each step offers a constant arrival rate {(options.Growth - 1) * 100:0}% above the one before for {options.Step.TotalSeconds:0} s, whatever the server answers, with no ceiling below what the machine could serve; the ramp stops once {options.StopAfterMisses} step(s) in a row miss (client-side P99 over {Objective:0} ms, or more than 0.1% of requests failed). The **knee** is the highest rate held (P99 and errors within bounds and the generator's own send-lag P99 at most 5 ms: a late generator cannot pass for a slow server, nor hide one). Latency is measured from each request's intended send time into HdrHistogram; a request without an answer after 5 s is a timeout. Every ramp starts fresh API processes after an unjudged warm-up step of {options.Warmup.TotalSeconds:0} s at the start rate. A bursty workload puts an idle gap (1 req/s) before every step; only the bursts are judged."));
        md.AppendLine(Invariant($"2. **(c) grid search.** Every point of the workload's grid (replicas x minimum threads x pool x max_connections; values and reasons below) ramps to its knee once at static settings (max_connections set with ALTER SYSTEM and a restart before the run when it differs). (c) is the cheapest point whose knee is within {options.CheapestWithin * 100:0}% of the grid's best knee (cheapest: fewest replicas, then connections = replicas x pool, then max_connections, then minimum threads)."));
        md.AppendLine(Invariant($"3. **(b) tuning.** The API starts at the profile's starting settings (a). Local mode runs in-process with the profile's ApiTuning (`bench/Autotune.Demo/{ProofProfiles.SpecFile}`, or `{ProofProfiles.WideSpecFile}` with replicas as a knob for the fast-async workload; Auto mode, {spec.Window.TotalSeconds:0} s windows of {spec.Spec.Metrics.ScrapesPerWindow} scrapes, cooldown {spec.Spec.Behavior.CooldownSeconds} s, max_connections changes with `restart: Immediate` through `pg_ctl`). The load climbs from half the grid's best knee to it in the same geometric steps, one window a step, then stays at the grid's best knee: the demand the best static settings carry. Local mode stops when {options.StableWindows} windows in a row at the top held the same settings, or at the cap of {options.TuningCap.TotalMinutes:0.#} minutes of load. The settings it left (tuning file, replicas, PostgreSQL's max_connections) are frozen: they are (b). \"Reached after\" is the time from the first request of load to the window that decided the last change; \"decisions\" counts windows whose decision changed a setting."));
        md.AppendLine(Invariant($"4. **Measured.** (a) and (b) of each start, (c), and the baselines ramp to their knee, interleaved (a, b, ..., c, defaults, HikariCP, then again) so that the shared machine's load drifts over all alike: (a), (b) and (c) {options.Repeats} time(s), the baselines {options.BaselineRepeats} time(s). The median and range of the knees are reported."));
        md.AppendLine("5. **Baselines**: the runtime's and Npgsql's defaults (minimum threads = cores, Maximum Pool Size 100) and HikariCP's formula (pool = cores x 2 + 1 per pod), at the workload's first start's replicas and max_connections. **Trial search**: a coordinate search over the grid whose trials are the grid's own screening ramps (the same test), reported as trials and minutes of load until one came within 5% of the grid's best knee.");
        md.AppendLine("6. **Failed requests caused by a change**: for every change local mode made, the client's failed requests intended in the 15 s after the deciding window (and, for comparison, the 15 s before). A max_connections change restarts PostgreSQL: its window is reported apart.");
        return md.ToString();
    }

    private string Details(ProfileResult r)
    {
        var md = new StringBuilder();
        var p = r.Profile;
        md.AppendLine(Invariant($"## Profile {p.Name}")).AppendLine();
        md.AppendLine(p.Description).AppendLine();
        md.AppendLine(Invariant($"**Why it discriminates.** {p.Discriminates}")).AppendLine();
        if (_plots.TryGetValue(p.Name, out var plotFile))
        {
            md.AppendLine(Invariant($"![{p.Name}: client P99 against the offered rate for (a), (b) and (c), the median repeat of each]({plotFile})")).AppendLine();
        }

        md.AppendLine(Invariant($"Workload {p.Workload}; starts at {p.Starting}; simulated round trip {p.Scenario.RoundTripMilliseconds} ms; {(p.Scenario.BlockingDataPath ? "blocking" : "asynchronous")} data path{(p.Scenario.IdleGap > TimeSpan.Zero ? Invariant($"; idle gap {p.Scenario.IdleGap.TotalSeconds:0} s before every step") : string.Empty)}; ramps from {p.StartRate:0} req/s, {(options.Growth - 1) * 100:0}% a step, {options.Step.TotalSeconds:0} s per step.")).AppendLine();
        md.AppendLine(Invariant($"Grid ({options.GridValues(p.ReplicasGrid).Count} x {options.GridValues(p.MinThreadsGrid).Count} x {options.GridValues(p.PoolGrid).Count} x {options.GridValues(p.MaxConnectionsGrid).Count}): replicas {string.Join(", ", options.GridValues(p.ReplicasGrid))}; minimum threads {string.Join(", ", options.GridValues(p.MinThreadsGrid).Select(t => t?.ToString(CultureInfo.InvariantCulture) ?? "default"))}; pool {string.Join(", ", options.GridValues(p.PoolGrid))}; max_connections {string.Join(", ", options.GridValues(p.MaxConnectionsGrid))}. {p.GridReasons}")).AppendLine();
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
            md.AppendLine("### (c) Grid screening (one ramp per point)").AppendLine();
            md.AppendLine("| settings | highest held | steps run: offered req/s -> p99 ms / errors / send-lag p99 ms |").AppendLine("|---|---:|---|");
            foreach (var g in r.Grid)
            {
                md.AppendLine(Invariant($"| {g.Settings}{(g.Settings == r.Best ? " **(c)**" : string.Empty)} | {Rate(g.HighestHeld)} | {Steps(g.Steps)} |"));
            }

            md.AppendLine();
        }

        if (r.Trial is { } trial)
        {
            md.AppendLine("### Trial search order").AppendLine();
            md.AppendLine(string.Join("; ", trial.Order.Select((o, i) => Invariant($"{i + 1}. {o.Settings}: {o.Knee:0} req/s ({o.Minutes:0.0} min)")))).AppendLine();
        }

        if (r.Runs.Count > 0)
        {
            md.AppendLine("### (a), (b), (c) and the baselines, ramped to their knee").AppendLine();
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

    private static string Cost(StaticSettings? s) =>
        s is null ? "-" : Invariant($"{s.Connections} / {s.Threads} / {s.Replicas}");

    private static double ConnectionsRatio(ProfileResult r) =>
        r.Tuning?.Reached is { } b && r.Best is { } c && c.Connections > 0 ? (double)b.Connections / c.Connections : double.NaN;

    // Minutes of live load until local mode's last change (all of its load when it changed nothing).
    private static double LocalMinutes(TuningOutcome? t) =>
        t is null ? double.NaN : (t.LastChangeSeconds ?? t.LoadSeconds) / 60;

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
