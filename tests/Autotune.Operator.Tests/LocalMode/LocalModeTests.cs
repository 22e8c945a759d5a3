using Autotune.Contracts;
using Autotune.Operator.Local;
using Autotune.Testing;
using Xunit;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>
/// Local mode against the real sample API and PostgreSQL under load. The assertions are on decisions, Event lines,
/// the tuning file and the database, never on latencies. One at a time: each saturates this machine on purpose.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class LocalModeTests
{
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task Diagnoses_thread_starvation_and_raises_minimum_threads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await LocalStack.StartAsync(maxConnections: 100, ct);
        await stack.RunAsync(
            Specs.ApiTuning("threadPoolMinThreads: { min: 2, max: 256 }"),
            new TuningFile(1, ThreadPoolMinThreads: 2, DbMaxPoolSize: 40),
            replicas: 1,
            Specs.DemoProfile(roundTripMs: 20, blocking: true),
            concurrency: 48,
            withAdmin: false,
            allowRestart: false);

        var raised = await stack.Output.WaitForAsync(l => l.Contains("RaiseMinThreads:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "a RaiseMinThreads Event", ct);

        Assert.Contains("ThreadStarvation", string.Join('\n', stack.Output.Lines), StringComparison.Ordinal);
        Assert.True(TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, ct), out var file, out _));
        Assert.True(file!.Generation >= 2, raised);
        Assert.True(file.ThreadPoolMinThreads > 2, $"minimum threads stayed at {file.ThreadPoolMinThreads}: {raised}");
        Assert.Equal(40, file.DbMaxPoolSize);
    }

    [Fact]
    public async Task Diagnoses_pool_exhaustion_and_raises_the_pool()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await LocalStack.StartAsync(maxConnections: 100, ct);
        await stack.RunAsync(
            Specs.ApiTuning("dbMaxPoolSize: { min: 2, max: 40 }", postgres: "adminSecretRef: { name: local-admin }\nreservedConnections: 2"),
            new TuningFile(1, ThreadPoolMinThreads: 64, DbMaxPoolSize: 2),
            replicas: 1,
            Specs.DemoProfile(roundTripMs: 20),
            concurrency: 32,
            withAdmin: true,
            allowRestart: false);

        var raised = await stack.Output.WaitForAsync(l => l.Contains("RaisePool:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "a RaisePool Event", ct);

        Assert.Contains("PoolExhaustion", string.Join('\n', stack.Output.Lines), StringComparison.Ordinal);
        Assert.True(TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, ct), out var file, out _));
        Assert.True(file!.DbMaxPoolSize > 2, $"the pool stayed at {file.DbMaxPoolSize}: {raised}");
        Assert.Equal(64, file.ThreadPoolMinThreads);
    }

    [Fact]
    public async Task Processes_the_caller_started_are_tuned_and_keep_serving_with_the_settings_applied_after_local_mode_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await LocalStack.StartAsync(maxConnections: 100, ct);
        await File.WriteAllTextAsync(stack.SpecFile, Specs.ApiTuning("threadPoolMinThreads: { min: 2, max: 256 }"), ct);
        await File.WriteAllTextAsync(stack.TuningFile, new TuningFile(1, ThreadPoolMinThreads: 2, DbMaxPoolSize: 40).ToJson(), ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var workload = new ProcessWorkload(
            [Path.Combine(AppContext.BaseDirectory, "SampleApi")], stack.ApiEnvironment(Specs.DemoProfile(roundTripMs: 20, blocking: true)),
            stack.TuningFile, FreePort.Next(), FreePort.Next(), http);
        await workload.ScaleAsync(1, ct);
        await using var load = new LoadDriver(workload.ApiUrls, 48, LocalStack.ApiKey, LocalStack.SeededUsers);
        var output = new LineWatcher();
        var options = new LocalOptions { SpecPath = stack.SpecFile, TuningFile = stack.TuningFile, Workload = workload, Windows = 30 };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => Autotune.Operator.Local.LocalMode.RunAsync(options, output, output, stop.Token), ct);
        await output.WaitForAsync(l => l.Contains("RaiseMinThreads:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "a RaiseMinThreads Event", ct);
        await stop.CancelAsync();
        await run;

        // Local mode has ended; the processes it tuned are the caller's and still serve, and take the raised minimum
        // from the tuning file local mode wrote (the agent reads it within a poll).
        var replica = Assert.Single((await workload.ReadAsync(ct)).Pods);
        var applied = await Kubernetes.Controller.Eventually.UntilAsync(
            async () => AppliedMinThreads(await http.GetStringAsync(replica.MetricsUrl, ct)),
            threads => threads > 2,
            TimeSpan.FromSeconds(30),
            "the live process applying the raised minimum threads");
        Assert.True(applied > 2);
        var served = load.Succeeded;
        await Kubernetes.Controller.Eventually.UntilAsync(() => Task.FromResult(load.Succeeded), n => n > served, TimeSpan.FromSeconds(30), "requests served after local mode ended");
    }

    private static int AppliedMinThreads(string metrics)
    {
        var line = metrics.Split('\n').Single(l => l.StartsWith(MetricNames.AppliedMinThreads.Prometheus + " ", StringComparison.Ordinal));
        return int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Recommend_mode_advises_and_changes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await LocalStack.StartAsync(maxConnections: 100, ct);
        var initial = new TuningFile(1, ThreadPoolMinThreads: 64, DbMaxPoolSize: 2);
        await stack.RunAsync(
            Specs.ApiTuning("dbMaxPoolSize: { min: 2, max: 40 }", mode: "Recommend", postgres: "adminSecretRef: { name: local-admin }\nreservedConnections: 2"),
            initial,
            replicas: 1,
            Specs.DemoProfile(roundTripMs: 20),
            concurrency: 32,
            withAdmin: true,
            allowRestart: false);

        await stack.Output.WaitForAsync(l => l.Contains("RaisePool:", StringComparison.Ordinal), DecisionTimeout, "a RaisePool recommendation", ct);
        await stack.Output.WaitForAsync(l => l.Contains(" window ", StringComparison.Ordinal) && l.Contains("RaisePool", StringComparison.Ordinal), DecisionTimeout, "the recommendation in a window line", ct);

        Assert.True(TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, ct), out var file, out _));
        Assert.Equal(initial, file);
    }
}

/// <summary>The local-mode load tests run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LocalModeCollection
{
    public const string Name = "local mode under load";
}
