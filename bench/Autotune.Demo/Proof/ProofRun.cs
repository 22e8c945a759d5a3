using System.Diagnostics;
using Autotune.Contracts;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Autotune.Load;
using Autotune.Operator.Local;
using Autotune.Testing;

namespace Autotune.Demo.Proof;

/// <summary>
/// The proof benchmark: for each load profile, on a fresh PostgreSQL and Redis, local mode tunes on the stepped ramp
/// until it settles (or the cap), the grid of static settings is screened once per point, and then the starting
/// settings (a), the settings reached (b) and the grid's best (c) each run the same ramp, interleaved, for the
/// given number of repeats. The report is rewritten after every profile, so an interrupted run keeps what it measured.
/// </summary>
public sealed class ProofRun(ProofOptions options, string command, TextWriter output)
{
    private static readonly TimeSpan AroundChange = TimeSpan.FromSeconds(15);

    /// <summary>Runs the selected profiles; cancelling stops everything it started.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var took = Stopwatch.StartNew();
        var apiCommand = SampleApiCommand.Create(SampleApiCommand.RepositoryRoot());
        var specPath = Path.Combine(AppContext.BaseDirectory, ProofProfiles.SpecFile);
        var spec = SpecValidator.Validate(ApiTuningYaml.Load(await File.ReadAllTextAsync(specPath, cancellationToken)).Documents[0].Spec).Spec
            ?? throw new InvalidOperationException($"{specPath} is not a valid ApiTuning");
        var profiles = ProofProfiles.All.Where(p => options.Profiles.Count == 0 || options.Profiles.Contains(p.Name)).ToList();
        if (profiles.Count == 0)
        {
            await output.WriteLineAsync($"proof: no profile called {string.Join(", ", options.Profiles)}; known: {string.Join(", ", ProofProfiles.All.Select(p => p.Name))}");
            return 2;
        }

        if (options.PredictOnly)
        {
            foreach (var profile in profiles)
            {
                var prediction = ProofSimulation.Predict(profile, spec.Spec, Grid(profile));
                await output.WriteLineAsync(PredictionLine(profile, prediction));
            }

            return 0;
        }

        var report = new ProofReport(options, spec, command, DateTimeOffset.UtcNow, Machine.LoadAverage(), profiles);
        await output.WriteLineAsync($"proof: {profiles.Count} profile(s), {options.Repeats} repeat(s), ramp steps of {options.Step.TotalSeconds:0} s, tuning cap {options.TuningCap.TotalMinutes:0.#} min; load average {report.LoadAtStart}");
        var predictions = new List<(ProfileResult, ProofSimulation.Prediction)>();
        foreach (var profile in profiles)
        {
            async Task ProgressAsync(ProfileResult partial)
            {
                report.Put(partial with { Failure = partial.Failure ?? "still running when this was written" });
                await report.WriteAsync(options.OutFile, took.Elapsed, complete: false, cancellationToken);
            }

            var result = await RunProfileAsync(profile, apiCommand, specPath, spec, ProgressAsync, cancellationToken);
            report.Put(result);
            var prediction = ProofSimulation.Predict(profile, spec.Spec, Grid(profile));
            await output.WriteLineAsync(PredictionLine(profile, prediction));
            predictions.Add((result, prediction));
            report.Simulation = ProofSimulation.Markdown(predictions);
            await report.WriteAsync(options.OutFile, took.Elapsed, complete: false, cancellationToken);
            await output.WriteLineAsync(report.SummaryLine(result));
        }

        await report.WriteAsync(options.OutFile, took.Elapsed, complete: true, cancellationToken);
        await output.WriteLineAsync($"proof: results in {options.OutFile}; {took.Elapsed.TotalMinutes:0.0} minutes");
        return 0;
    }

    private static string PredictionLine(ProofProfile profile, ProofSimulation.Prediction prediction) =>
        $"proof: {profile.Name}: the simulator predicts (a) {prediction.Starting:0}, (b) {prediction.ReachedHeld:0} at {prediction.Reached} after {prediction.Changes} change(s), (c) {prediction.BestHeld:0} at {prediction.Best} req/s held";

    private IReadOnlyList<StaticSettings> Grid(ProofProfile profile) =>
        ProofScore.Grid(options.GridValues(profile.MinThreadsGrid), options.GridValues(profile.PoolGrid), options.GridValues(profile.MaxConnectionsGrid));

    private async Task<ProfileResult> RunProfileAsync(ProofProfile profile, IReadOnlyList<string> apiCommand, string specPath, ValidatedSpec spec, Func<ProfileResult, Task> progress, CancellationToken cancellationToken)
    {
        var objective = spec.Spec.Objectives.P99LatencyMs;
        var rates = profile.Scenario.RampRates;
        var capWindows = (int)Math.Ceiling(options.TuningCap / spec.Window);
        var scenario = profile.Scenario with { RampStep = options.Step, Warmup = options.Warmup, TuningRate = rates[^1], TuningWindows = capWindows };
        TuningOutcome? tuning = null;
        var grid = new List<RampRun>();
        var runs = new List<RampRun>();
        StaticSettings? best = null;
        await output.WriteLineAsync($"proof: profile {profile.Name}: {profile.Description}");
        try
        {
            await using var stack = await DemoStack.StartAsync(scenario, output, cancellationToken);
            var ports = new DemoPorts(FreePort.Next(), FreePort.Next());
            var ramps = new StaticPhase(stack, scenario, apiCommand, ports, objective, output);
            var applier = new TuningFileApplier(stack.TuningFile);
            var generation = 0L;

            async Task RampAsync(List<RampRun> into, string phase, int repeat, StaticSettings settings, int? stopAfterMisses)
            {
                await stack.SetMaxConnectionsAsync(settings.MaxConnections, cancellationToken);
                await applier.ApplyAsync(new TuningFile(++generation, settings.MinThreads, settings.Pool), cancellationToken);
                var label = repeat == 0 ? phase : $"{phase}#{repeat}";
                var result = await ramps.RunAsync(label, profile.Replicas, settings.ToString(), cancellationToken, stopAfterMisses);
                into.Add(new RampRun(phase, repeat, settings, ProofScore.HighestHeld(result.Steps, objective), result.Steps, result.StartedAt, ProofScore.HighestHeld(result.Steps, objective, double.PositiveInfinity)));
                await progress(new ProfileResult(profile, tuning, grid.ToList(), best, runs.ToList(), null));
            }

            // (b) first: local mode from the starting settings on the ramp, until it settles or the cap.
            await stack.SetMaxConnectionsAsync(profile.Starting.MaxConnections, cancellationToken);
            await applier.ApplyAsync(new TuningFile(++generation, profile.Starting.MinThreads, profile.Starting.Pool), cancellationToken);
            await output.WriteLineAsync($"proof: {profile.Name}: tuning from {profile.Starting}, {profile.Replicas} replica(s); ramp {string.Join(" -> ", rates)} req/s one window each, then {rates[^1]} req/s until {options.StableWindows} windows in a row hold the same settings, at most {options.TuningCap.TotalMinutes:0.#} min");
            var phase = new TuningPhase(stack, scenario, apiCommand, ports, specPath, spec.Window, objective, output);
            var (load, exitCode) = await phase.RunAsync(cancellationToken, r => ProofScore.Settled(r, rates.Count, options.StableWindows), profile.Replicas);
            tuning = await TuningOutcomeAsync(profile, stack, applier, load, exitCode, rates.Count, options.StableWindows, cancellationToken);
            await output.WriteLineAsync($"proof: {profile.Name}: reached {tuning.Reached} after {tuning.Decisions} decision(s); last change {(tuning.LastChangeSeconds is { } s ? $"{s:0} s" : "none")} into {tuning.LoadSeconds:0} s of load; {(tuning.Settled ? "settled" : "stopped by the cap")}");
            await progress(new ProfileResult(profile, tuning, grid, best, runs, null));
            generation = Math.Max(generation, (await applier.ReadAsync(cancellationToken))?.Generation ?? 0);

            // (c): screen every grid point once; the ramp of a point stops after consecutive misses.
            var points = ProofScore.Grid(options.GridValues(profile.MinThreadsGrid), options.GridValues(profile.PoolGrid), options.GridValues(profile.MaxConnectionsGrid));
            foreach (var point in points)
            {
                await RampAsync(grid, "grid", 0, point, options.ScreenStopAfterMisses);
            }

            best = ProofScore.Winner(grid.Select(g => (g.Settings, g.HighestHeld)));
            await output.WriteLineAsync($"proof: {profile.Name}: best static of {points.Count} grid point(s): {best} ({grid.Where(g => g.Settings == best).Max(g => g.HighestHeld):0} req/s held in screening)");

            // (a), (b), (c) on the same ramp, interleaved so that the machine's load drifts over all three alike.
            for (var repeat = 1; repeat <= options.Repeats; repeat++)
            {
                await RampAsync(runs, "a", repeat, profile.Starting, null);
                await RampAsync(runs, "b", repeat, tuning.Reached, null);
                await RampAsync(runs, "c", repeat, best, null);
            }

            return new ProfileResult(profile, tuning, grid, best, runs, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"proof: {profile.Name}: stopped by {ex.GetType().Name}: {ex.Message}");
            return new ProfileResult(profile, tuning, grid, best, runs, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static async Task<TuningOutcome> TuningOutcomeAsync(ProofProfile profile, DemoStack stack, TuningFileApplier applier, PhaseResult load, int exitCode, int rampWindows, int stableWindows, CancellationToken cancellationToken)
    {
        var record = LocalRecord.Read(stack.RecordFile);
        var file = await applier.ReadAsync(cancellationToken);
        var reached = new StaticSettings(file?.ThreadPoolMinThreads, file?.DbMaxPoolSize ?? profile.Starting.Pool, await stack.MaxConnectionsAsync(cancellationToken));
        var changes = record.Windows.Where(w => !ProofScore.IsHold(w.Decision)).ToList();
        var loadSeconds = load.Seconds.Count;
        double? lastChange = changes.Count == 0 ? null : (changes[^1].Time - load.StartedAt).TotalSeconds;
        var around = changes.Select(w => Around(w, load)).ToList();
        return new TuningOutcome(reached, loadSeconds, lastChange, changes.Count, ProofScore.Settled(record, rampWindows, stableWindows), record, around, load.Steps, exitCode);
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
