using Autotune.Contracts;
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
