using Autotune.Contracts;
using Xunit;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>The connection budget on a real PostgreSQL: what the planner allows is what the server sees.</summary>
[Collection(LocalModeCollection.Name)]
public sealed class ConnectionBudgetTests
{
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Raises_max_connections_through_a_real_restart_before_the_pool_grows_and_the_api_recovers()
    {
        var ct = TestContext.Current.CancellationToken;

        // max_connections 20 - 3 superuser - 1 admin - 2 reserved = 14 for the API: a pool of 14 leaves no headroom.
        await using var stack = await LocalStack.StartAsync(maxConnections: 20, ct);
        await stack.RunAsync(
            Specs.ApiTuning(
                "dbMaxPoolSize: { min: 2, max: 40 }\npostgresMaxConnections: { min: 20, max: 60 }",
                postgres: "adminSecretRef: { name: local-admin }\nreservedConnections: 2\nworkloadRef: { name: postgres }\nrestart: Immediate"),
            new TuningFile(1, ThreadPoolMinThreads: 64, DbMaxPoolSize: 14),
            replicas: 1,
            Specs.DemoProfile(roundTripMs: 20),
            concurrency: 40,
            withAdmin: true,
            allowRestart: true);

        var raisedMax = await stack.Output.WaitForAsync(l => l.Contains("RaiseMaxConnections:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "a RaiseMaxConnections Event", ct);
        var restarted = await stack.Output.WaitForAsync(l => l.Contains("RestartedDatabase:", StringComparison.Ordinal), DecisionTimeout, "the restart confirmed by SHOW", ct);
        Assert.Contains("SHOW max_connections confirms", restarted, StringComparison.Ordinal);
        var raisedPool = await stack.Output.WaitForAsync(l => l.Contains("RaisePool:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "the pool raised after the restart", ct);

        var lines = stack.Output.Lines.ToList();
        Assert.True(lines.IndexOf(raisedMax) < lines.IndexOf(restarted), "max_connections is raised before the restart");
        Assert.True(lines.IndexOf(restarted) < lines.IndexOf(raisedPool), "the pool grows only after SHOW confirms the new max_connections");
        Assert.True(TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, ct), out var file, out _));
        Assert.True(file!.DbMaxPoolSize > 14, $"the pool stayed at {file.DbMaxPoolSize}");

        // The API recovered from the restart by itself: requests succeed again.
        var before = stack.Load!.Succeeded;
        await Eventually(() => stack.Load.Succeeded > before + 50, TimeSpan.FromSeconds(60), "requests to succeed after the restart", ct);
    }

    [Fact]
    public async Task Two_replicas_never_hold_more_connections_than_the_budget_allows()
    {
        var ct = TestContext.Current.CancellationToken;

        // max_connections 30 - 3 superuser - 1 admin - 2 reserved = 24 for two replicas.
        const int capacity = 24;
        await using var stack = await LocalStack.StartAsync(maxConnections: 30, ct);
        await stack.RunAsync(
            Specs.ApiTuning("dbMaxPoolSize: { min: 2, max: 40 }", postgres: "adminSecretRef: { name: local-admin }\nreservedConnections: 2"),
            new TuningFile(1, ThreadPoolMinThreads: 64, DbMaxPoolSize: 3),
            replicas: 2,
            Specs.DemoProfile(roundTripMs: 20),
            concurrency: 48,
            withAdmin: true,
            allowRestart: false);

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var peak = 0;
        var sampler = Task.Run(async () =>
        {
            // Ends only in the delay's cancellation, so a sampler that stopped any other way fails the test.
            while (true)
            {
                peak = Math.Max(peak, await stack.ApiConnectionsAsync(sampling.Token));
                await Task.Delay(100, sampling.Token);
            }
        }, sampling.Token);

        await stack.Output.WaitForAsync(l => l.Contains("RaisePool:", StringComparison.Ordinal) && l.Contains("Normal", StringComparison.Ordinal), DecisionTimeout, "a RaisePool Event", ct);

        // Two more windows: the swap, its confirmation and whatever the engine asks next.
        var windows = stack.Output.Lines.Count(l => l.Contains(" window ", StringComparison.Ordinal));
        await stack.Output.WaitForAsync(_ => stack.Output.Lines.Count(l => l.Contains(" window ", StringComparison.Ordinal)) >= windows + 2, DecisionTimeout, "two more windows", ct);
        await sampling.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sampler);

        Assert.True(TuningFile.TryParse(await File.ReadAllTextAsync(stack.TuningFile, ct), out var file, out _));
        Assert.True(file!.DbMaxPoolSize > 3, $"the pool stayed at {file.DbMaxPoolSize}");
        Assert.True(2 * file.DbMaxPoolSize <= capacity, $"the pool {file.DbMaxPoolSize} x 2 replicas is over the {capacity} connections the budget allows");
        Assert.InRange(peak, 1, capacity);
        Assert.DoesNotContain(stack.Output.Lines, l => l.Contains("53300", StringComparison.Ordinal));
    }

    private static async Task Eventually(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }
        }
    }
}
