using System.Diagnostics;
using Autotune.Contracts;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Autotune.Load;
using Autotune.Operator.Local;
using Autotune.Testing;

namespace Autotune.Demo.Proof;

/// <summary>
/// The proof benchmark. After a check of what the load generator can offer, for each workload on a fresh PostgreSQL
/// and Redis: every grid point ramps to its knee once (screening), which gives (c) and the trial-based search's
/// trials; local mode then tunes from each of the workload's starting settings under load climbing to the grid's best
/// knee, until it settles (or the cap); and the starting settings (a), the settings reached (b), (c) and the
/// baselines each ramp to their knee, interleaved, for the given number of repeats. The report is rewritten after
/// every ramp, so an interrupted run keeps what it measured.
/// </summary>
public sealed class ProofRun(ProofOptions options, string command, TextWriter output)
{
    private static readonly TimeSpan AroundChange = TimeSpan.FromSeconds(15);

    /// <summary>Runs the selected profiles; cancelling stops everything it started.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var took = Stopwatch.StartNew();
        var apiCommand = SampleApiCommand.Create(SampleApiCommand.RepositoryRoot());
        var specs = new Dictionary<string, (string Path, ValidatedSpec Spec)>(StringComparer.Ordinal);
        foreach (var file in ProofProfiles.All.Select(p => p.SpecFile).Distinct())
        {
            var path = Path.Combine(AppContext.BaseDirectory, file);
            specs[file] = (path, SpecValidator.Validate(ApiTuningYaml.Load(await File.ReadAllTextAsync(path, cancellationToken)).Documents[0].Spec).Spec
                ?? throw new InvalidOperationException($"{path} is not a valid ApiTuning"));
        }

        var profiles = ProofProfiles.All.Where(p => options.Profiles.Count == 0 || options.Profiles.Contains(p.Name) || options.Profiles.Contains(p.Workload)).ToList();
        if (profiles.Count == 0)
        {
            await output.WriteLineAsync($"proof: no profile called {string.Join(", ", options.Profiles)}; known: {string.Join(", ", ProofProfiles.All.Select(p => p.Name))}");
            return 2;
        }

        var outside = profiles.SelectMany(p => ProofBudgets.Outside(p, specs[p.SpecFile].Spec.Spec, p.Grid)).ToList();
        if (outside.Count > 0)
        {
            await output.WriteLineAsync($"proof: local mode could never reach these settings, so they cannot be compared with what it reaches; widen the ApiTuning's budgets or change the grid:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", outside));
            return 2;
        }

        var mainSpec = specs[ProofProfiles.SpecFile].Spec;
        var estimate = ProofPlan.Describe(ProofPlan.Estimate(profiles, options, mainSpec.Window));
        await output.WriteLineAsync($"proof: {estimate}");
        if (options.EstimateOnly)
        {
            return 0;
        }

        if (options.PredictOnly)
        {
            foreach (var profile in profiles)
            {
                var prediction = ProofSimulation.Predict(profile, specs[profile.SpecFile].Spec.Spec, Grid(profile));
                await output.WriteLineAsync(PredictionLine(profile, prediction));
            }

            return 0;
        }

        var report = new ProofReport(options, mainSpec, command, DateTimeOffset.UtcNow, Machine.LoadAverage(), profiles) { Estimate = estimate };
        await output.WriteLineAsync($"proof: {profiles.Count} profile(s), {options.Repeats} repeat(s), ramps in steps of {options.Growth:0.##}x lasting {options.Step.TotalSeconds:0} s until {options.StopAfterMisses} step(s) miss, tuning cap {options.TuningCap.TotalMinutes:0.#} min; load average {report.LoadAtStart}");
        if (!options.SkipGeneratorCheck)
        {
            var check = await GeneratorCheck.RunAsync(options, apiCommand, mainSpec.Spec.Objectives.P99LatencyMs, output, cancellationToken);
            report.Generator = check.Markdown();
            await output.WriteLineAsync($"proof: generator check: {check.GeneratorKnee:0} req/s held on GET /bare ({check.KneeIgnoringLag:0} ignoring send lag) at {check.GeneratorCpu:0.00} cores; {check.CappedKnee:0} req/s with {GeneratorCheck.ConnectionCap} connections; wrk {check.WrkRate:0} req/s");
            await report.WriteAsync(options.OutFile, took.Elapsed, complete: false, cancellationToken);
        }

        var predictions = new List<(ProfileResult, ProofSimulation.Prediction)>();
        foreach (var workload in profiles.GroupBy(p => p.Workload).Select(g => g.ToList()))
        {
            async Task ProgressAsync(IReadOnlyList<ProfileResult> partial)
            {
                foreach (var p in partial)
                {
                    report.Put(p with { Failure = p.Failure ?? "still running when this was written" });
                }

                await report.WriteAsync(options.OutFile, took.Elapsed, complete: false, cancellationToken);
            }

            var results = await RunWorkloadAsync(workload, apiCommand, specs, ProgressAsync, cancellationToken);
            foreach (var result in results)
            {
                report.Put(result);
                var prediction = ProofSimulation.Predict(result.Profile, specs[result.Profile.SpecFile].Spec.Spec, Grid(result.Profile));
                await output.WriteLineAsync(PredictionLine(result.Profile, prediction));
                predictions.Add((result, prediction));
                report.Simulation = ProofSimulation.Markdown(predictions);
                await output.WriteLineAsync(report.SummaryLine(result));
            }

            await report.WriteAsync(options.OutFile, took.Elapsed, complete: false, cancellationToken);
        }

        await report.WriteAsync(options.OutFile, took.Elapsed, complete: true, cancellationToken);
        await output.WriteLineAsync($"proof: results in {options.OutFile}; {took.Elapsed.TotalMinutes:0.0} minutes");
        return 0;
    }

    private static string PredictionLine(ProofProfile profile, ProofSimulation.Prediction prediction) =>
        $"proof: {profile.Name}: the simulator predicts (a) {prediction.Starting:0}, (b) {prediction.ReachedHeld:0} at {prediction.Reached} after {prediction.Changes} change(s), (c) {prediction.BestHeld:0} at {prediction.Best} req/s held";

    private IReadOnlyList<StaticSettings> Grid(ProofProfile profile) => options.GridPoints(profile);

    private ProofLattice Lattice(ProofProfile profile) =>
        new(options.GridValues(profile.ReplicasGrid), options.GridValues(profile.MinThreadsGrid), options.GridValues(profile.PoolGrid), options.GridValues(profile.MaxConnectionsGrid));

    private async Task<IReadOnlyList<ProfileResult>> RunWorkloadAsync(IReadOnlyList<ProofProfile> profiles, IReadOnlyList<string> apiCommand, Dictionary<string, (string Path, ValidatedSpec Spec)> specs, Func<IReadOnlyList<ProfileResult>, Task> progress, CancellationToken cancellationToken)
    {
        var first = profiles[0];

        // The baselines and the trial search start from the workload's first profile, whichever of its starts run.
        var canonical = ProofProfiles.All.First(p => p.Workload == first.Workload);
        var objective = specs[first.SpecFile].Spec.Spec.Objectives.P99LatencyMs;
        var scenario = first.Scenario with { RampRates = KneeRamp.Rates(options.StartRate(first), options.Growth), RampStep = options.Step, Warmup = options.Warmup };
        var tunings = new Dictionary<string, TuningOutcome>(StringComparer.Ordinal);
        var grid = new List<RampRun>();
        var runs = new List<RampRun>();
        StaticSettings? best = null;
        TrialOutcome? trial = null;
        string? failure = null;

        IReadOnlyList<ProfileResult> Results() =>
            profiles.Select(p => new ProfileResult(p, tunings.GetValueOrDefault(p.Name), grid.ToList(), best, runs.Where(r => r.Owner.Length == 0 || r.Owner == p.Name).ToList(), failure, trial)).ToList();

        await output.WriteLineAsync($"proof: workload {first.Workload}: {first.Description}");
        try
        {
            await using var stack = await DemoStack.StartAsync(scenario, output, cancellationToken);
            var ports = new DemoPorts(FreePort.Next(), FreePort.Next());
            var ramps = new StaticPhase(stack, scenario, apiCommand, ports, objective, output);
            var applier = new TuningFileApplier(stack.TuningFile);
            var generation = 0L;

            async Task ApplyAsync(StaticSettings settings)
            {
                await stack.SetMaxConnectionsAsync(settings.MaxConnections, cancellationToken);
                await applier.ApplyAsync(new TuningFile(++generation, settings.MinThreads, settings.Pool), cancellationToken);
            }

            async Task RampAsync(List<RampRun> into, string phase, int repeat, StaticSettings settings, string owner)
            {
                var wall = Stopwatch.StartNew();
                await ApplyAsync(settings);
                var label = (owner.Length > 0 ? owner + ":" : string.Empty) + (repeat == 0 ? phase : $"{phase}#{repeat}");
                var result = await ramps.RunAsync(label, settings.Replicas, settings.ToString(), cancellationToken, options.StopAfterMisses);
                into.Add(new RampRun(phase, repeat, settings, ProofScore.HighestHeld(result.Steps, objective), result.Steps, result.StartedAt,
                    ProofScore.HighestHeld(result.Steps, objective, double.PositiveInfinity), owner, result.Seconds.Count, wall.Elapsed.TotalSeconds));
                await progress(Results());
            }

            // (c): every grid point ramps to its knee once; the cheapest within 2% of the best knee wins.
            var lattice = Lattice(first);
            foreach (var point in options.GridPoints(first))
            {
                await RampAsync(grid, "grid", 0, point, string.Empty);
            }

            // On a machine so busy that the generator was late in every step, no knee counts; (c), the trial search and the
            // tuning load then go by the knees judged on P99 and errors only (the report's secondary numbers), not by nothing.
            var byLag = grid.Max(g => g.HighestHeld) > 0;
            var screened = grid.Select(g => g with { HighestHeld = byLag ? g.HighestHeld : g.HeldIgnoringLag }).ToList();
            best = ProofScore.Winner(screened.Select(g => (g.Settings, g.HighestHeld)), options.CheapestWithin);
            var bestKnee = screened.Max(g => g.HighestHeld);
            trial = Trial(lattice, canonical.Starting, screened, bestKnee);
            if (!byLag)
            {
                await output.WriteLineAsync($"proof: {first.Workload}: the generator was late (send-lag P99 over {ProofScore.MaxSendLagMs:0} ms) in every held grid step; (c) and the tuning load go by P99 and errors only");
            }

            await output.WriteLineAsync($"proof: {first.Workload}: grid's best knee {bestKnee:0} req/s; (c) = {best}; the trial search came within 5% after {trial.TrialsToWithin} trial(s), {trial.MinutesToWithin:0.0} min of load");

            // (b): local mode from each start, under load climbing to the grid's best knee.
            foreach (var profile in profiles)
            {
                tunings[profile.Name] = await TuneAsync(profile, stack, apiCommand, ports, specs[profile.SpecFile], applier, bestKnee, objective, cancellationToken);
                generation = Math.Max(generation, (await applier.ReadAsync(cancellationToken))?.Generation ?? 0);
                await progress(Results());
            }

            // (a), (b) of each start, (c) and the baselines, interleaved so that the machine's load drifts over all alike.
            for (var repeat = 1; repeat <= options.Repeats; repeat++)
            {
                foreach (var profile in profiles)
                {
                    await RampAsync(runs, "a", repeat, profile.Starting, profile.Name);
                    await RampAsync(runs, "b", repeat, tunings[profile.Name].Reached, profile.Name);
                }

                await RampAsync(runs, "c", repeat, best, string.Empty);
                if (repeat <= options.BaselineRepeats)
                {
                    await RampAsync(runs, Baselines.DefaultsPhase, repeat, Baselines.Defaults(canonical), string.Empty);
                    await RampAsync(runs, Baselines.HikariPhase, repeat, Baselines.Hikari(canonical, Environment.ProcessorCount), string.Empty);
                }
            }

            return Results();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"proof: {first.Workload}: stopped by {ex.GetType().Name}: {ex.Message}");
            failure = $"{ex.GetType().Name}: {ex.Message}";
            return Results();
        }
    }

    private static TrialOutcome Trial(ProofLattice lattice, StaticSettings start, IReadOnlyList<RampRun> grid, double bestKnee)
    {
        var byPoint = grid.GroupBy(g => g.Settings).ToDictionary(g => g.Key, g => g.First());
        double Knee(StaticSettings s) => byPoint.TryGetValue(s, out var run) ? run.HighestHeld : 0;
        var order = TrialSearch.Order(lattice, start, Knee);
        var trials = TrialSearch.TrialsToWithin(order, Knee, bestKnee);
        var rows = order.Select(s => (s, Knee(s), (byPoint.TryGetValue(s, out var run) ? run.LoadSeconds : 0) / 60)).ToList();
        var good = lattice.Points.Count(p => Knee(p) >= bestKnee * (1 - TrialSearch.Within));
        return new TrialOutcome(rows, trials, rows.Take(trials).Sum(r => r.Item3), TrialSearch.RandomSearchExpected(lattice.Points.Count, good));
    }

    private async Task<TuningOutcome> TuneAsync(ProofProfile profile, DemoStack stack, IReadOnlyList<string> apiCommand, DemoPorts ports, (string Path, ValidatedSpec Spec) spec, TuningFileApplier applier, double bestKnee, double objective, CancellationToken cancellationToken)
    {
        // The load climbs from half the grid's best knee to it, one window a step, and stays there: the demand the
        // best static settings carry, reached the way traffic grows.
        var start = options.StartRate(profile);
        var top = bestKnee > 0 ? bestKnee : start;
        var climb = KneeRamp.Rates(Math.Max(start, top / 2), options.Growth, top);
        var capWindows = (int)Math.Ceiling(options.TuningCap / spec.Spec.Window);
        var scenario = profile.Scenario with { RampRates = climb, TuningRate = top, TuningWindows = capWindows, RampStep = options.Step, Warmup = options.Warmup };
        await stack.SetMaxConnectionsAsync(profile.Starting.MaxConnections, cancellationToken);
        await applier.ApplyAsync(new TuningFile(((await applier.ReadAsync(cancellationToken))?.Generation ?? 0) + 1, profile.Starting.MinThreads, profile.Starting.Pool), cancellationToken);
        File.Delete(stack.RecordFile); // each start's tuning is judged on its own record, not the previous start's
        var rampWindows = climb.Count(r => r < top) + 1;
        await output.WriteLineAsync($"proof: {profile.Name}: tuning from {profile.Starting}; load {climb[0]:0} -> {top:0} req/s one window a step, then {top:0} req/s until {options.StableWindows} windows in a row hold the same settings, at most {options.TuningCap.TotalMinutes:0.#} min");
        var phase = new TuningPhase(stack, scenario, apiCommand, ports, spec.Path, spec.Spec.Window, objective, output);
        var (load, exitCode) = await phase.RunAsync(cancellationToken, r => ProofScore.Settled(r, rampWindows, options.StableWindows), profile.Replicas);
        var tuning = await TuningOutcomeAsync(profile, stack, applier, load, exitCode, rampWindows, options.StableWindows, cancellationToken);
        if (options.RecordsDirectory is { } records && File.Exists(stack.RecordFile))
        {
            File.Copy(stack.RecordFile, Path.Combine(records, $"{profile.Name}.local-mode.jsonl"), overwrite: true);
        }
        await output.WriteLineAsync($"proof: {profile.Name}: reached {tuning.Reached} after {tuning.Decisions} decision(s); last change {(tuning.LastChangeSeconds is { } s ? $"{s:0} s" : "none")} into {tuning.LoadSeconds:0} s of load; {(tuning.Settled ? "settled" : "stopped by the cap")}");
        return tuning;
    }

    private static async Task<TuningOutcome> TuningOutcomeAsync(ProofProfile profile, DemoStack stack, TuningFileApplier applier, PhaseResult load, int exitCode, int rampWindows, int stableWindows, CancellationToken cancellationToken)
    {
        var record = LocalRecord.Read(stack.RecordFile);
        var file = await applier.ReadAsync(cancellationToken);
        var replicas = record.LastApplied?.Replicas ?? profile.Replicas;
        var reached = new StaticSettings(file?.ThreadPoolMinThreads, file?.DbMaxPoolSize ?? profile.Starting.Pool, await stack.MaxConnectionsAsync(cancellationToken), replicas);
        var changes = record.Windows.Where(w => !ProofScore.IsHold(w.Decision) && !ProofScore.IsRecommendation(w.Decision)).ToList();
        var loadSeconds = load.Seconds.Count;
        double? lastChange = changes.Count == 0 ? null : (changes[^1].Time - load.StartedAt).TotalSeconds;
        var around = changes.Select(w => Around(w, load)).ToList();
        return new TuningOutcome(reached, loadSeconds, lastChange, changes.Count, ProofScore.Settled(record, rampWindows, stableWindows), record, around, load.Steps, exitCode,
            ProofScore.AfterFirstDecision(record, load.StartedAt, load.Seconds));
    }

    private static ChangeErrors Around(LocalRecord.Window change, PhaseResult load)
    {
        IEnumerable<IntervalReport> Between(DateTimeOffset from, DateTimeOffset to) =>
            load.Seconds.Where(s => load.StartedAt + s.Start >= from && load.StartedAt + s.Start < to);

        var before = Between(change.Time - AroundChange, change.Time).ToList();
        var after = Between(change.Time, change.Time + AroundChange).ToList();
        var kinds = after.SelectMany(s => s.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value), StringComparer.Ordinal);
        return new ChangeErrors(change.Time, change.Decision, change.Decision.Contains("MaxConnections", StringComparison.Ordinal),
            before.Sum(s => s.ErrorCount), after.Sum(s => s.ErrorCount), after.Sum(s => s.Offered), kinds);
    }
}
