using System.Diagnostics;
using System.Globalization;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Autotune.Testing;

namespace Autotune.Demo;

/// <summary>
/// The whole demo: start PostgreSQL and Redis, run the ramp at the starting settings (before), let local mode tune
/// under load (tuning), run the same ramp on the processes it tuned, still serving (after), then write the table,
/// plot and report.
/// </summary>
public sealed class DemoRun(DemoScenario scenario, string resultsDirectory, TextWriter output)
{
    /// <summary>Runs the demo; cancelling stops everything it started.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var took = Stopwatch.StartNew();
        var command = SampleApiCommand.Create(SampleApiCommand.RepositoryRoot());
        var specPath = Path.Combine(AppContext.BaseDirectory, "demo-apituning.yaml");
        var spec = SpecValidator.Validate(ApiTuningYaml.Load(await File.ReadAllTextAsync(specPath, cancellationToken)).Documents[0].Spec).Spec
            ?? throw new InvalidOperationException($"{specPath} is not a valid ApiTuning");
        var objective = spec.Spec.Objectives.P99LatencyMs;

        await using var stack = await DemoStack.StartAsync(scenario, output, cancellationToken);
        var ports = new DemoPorts(FreePort.Next(), FreePort.Next());
        var ramps = new StaticPhase(stack, scenario, command, ports, objective, output);

        ThreadPool.GetMinThreads(out var defaultMinThreads, out _);
        var starting = Invariant($"replicas 1, min threads {defaultMinThreads} (runtime default), pool {scenario.StartingPoolSize}, max_connections {scenario.StartingMaxConnections}");
        var before = await ramps.RunAsync("before", 1, starting, cancellationToken);

        await output.WriteLineAsync($"demo: tuning: autotune local with {Path.GetFileName(specPath)} for {scenario.TuningWindows} windows of {spec.Window.TotalSeconds:0} s, load climbing to {scenario.TuningRate:0} req/s");
        // The processes local mode tunes are the demo's: they keep serving after it ends, and the "after" ramp runs on
        // them, so what it measures is the live service the tuning left, not a fresh start at the same settings.
        using var liveHttp = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        await using var live = new Autotune.Operator.Local.ProcessWorkload(command, stack.ApiEnvironment, stack.TuningFile, ports.Api, ports.Metrics, liveHttp);
        await live.ScaleAsync(1, cancellationToken);
        var (tuning, exitCode) = await new TuningPhase(stack, scenario, command, ports, specPath, spec.Window, objective, output).RunAsync(cancellationToken, workload: live);
        if (exitCode != 0)
        {
            await output.WriteLineAsync($"demo: local mode exited with {exitCode}");
            return exitCode;
        }

        var record = LocalRecord.Read(stack.RecordFile);
        var last = record.LastApplied;
        var replicas = live.ApiUrls.Count;
        var maxConnections = await stack.MaxConnectionsAsync(cancellationToken);
        var reached = Invariant($"replicas {replicas}, min threads {Show(last?.ThreadPoolMinThreads, defaultMinThreads)}, pool {Show(last?.DbMaxPoolSize, scenario.StartingPoolSize)}, max_connections {maxConnections}, the processes local mode tuned");
        var after = await ramps.RunOnAsync("after", live, reached, cancellationToken);

        var comparison = new BeforeAfter(before, after, objective);
        await output.WriteLineAsync();
        await output.WriteLineAsync(ReportWriter.ConsoleTable(comparison));
        const string plotFile = "throughput-p99.png";
        PlotWriter.Write(Path.Combine(resultsDirectory, plotFile), [before, tuning, after], record.Events, objective);
        File.Copy(stack.RecordFile, Path.Combine(resultsDirectory, "local-mode.jsonl"), overwrite: true);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "report.md"), ReportWriter.Markdown(comparison, tuning, record, scenario, plotFile, took.Elapsed), cancellationToken);
        await output.WriteLineAsync($"demo: results in {resultsDirectory} (report.md, {plotFile}, local-mode.jsonl, console.log); {took.Elapsed.TotalMinutes:0.0} minutes");
        return 0;
    }

    private static string Show(int? value, int fallback) => (value ?? fallback).ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
