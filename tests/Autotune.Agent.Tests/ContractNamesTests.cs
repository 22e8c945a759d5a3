using Autotune.Contracts;
using Autotune.Testing;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class ContractNamesTests
{
    [Fact]
    public async Task Every_contract_metric_appears_in_a_real_scrape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(cancellationToken: ct);
        var database = await postgres.CreateDatabaseAsync(cancellationToken: ct);
        var tuningDir = Directory.CreateTempSubdirectory("autotune-agent-");
        var tuningPath = Path.Combine(tuningDir.FullName, AgentEnvironment.ConfigMapKey);
        await File.WriteAllTextAsync(tuningPath, new TuningFile(3, 16, 7).ToJson(), ct);

        await using var app = await AgentApp.StartAsync(options =>
        {
            options.ConnectionString = database;
            options.TuningFilePath = tuningPath;
        }, cancellationToken: ct);

        Assert.Equal(200, (int)(await app.Http.GetAsync(new Uri("/ping", UriKind.Relative), ct)).StatusCode);
        var value = await app.DataSource.ExecuteIdempotentReadAsync(async (connection, token) =>
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return (int)(await command.ExecuteScalarAsync(token))!;
        }, ct);
        Assert.Equal(1, value);
        // A failed open (nothing listens on port 1) fills the SQLSTATE counter; a bad file fills the rejected counter.
        await File.WriteAllTextAsync(tuningPath, "{ \"generation\": 4, ", ct);
        await WaitUntil(() => app.Agent.RejectedTuningFiles > 0, ct);

        var scrape = await app.ScrapeAsync(ct);

        var missing = MetricNames.All
            .Where(m => !scrape.Contains("\n" + (m.Kind == MetricKind.Histogram ? m.Bucket : m.Prometheus), StringComparison.Ordinal))
            .Select(m => m.Prometheus)
            .ToList();
        Assert.True(missing.Count == 0, $"missing from the scrape: {string.Join(", ", missing)}\n\n{scrape}");
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
