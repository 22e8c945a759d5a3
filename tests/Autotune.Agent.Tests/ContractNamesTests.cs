using Autotune.Agent.Metrics;
using Autotune.Contracts;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class ContractNamesTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Every_contract_metric_appears_under_its_exact_name_in_a_real_scrape()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(3, 16, 1));

        await using var app = await AgentApp.StartAsync(options =>
        {
            options.ConnectionString = database + ";Timeout=1";
            options.TuningFilePath = tuning.Path;
        }, cancellationToken: ct);

        Assert.Equal("pong", await app.Http.GetStringAsync(new Uri("/ping", UriKind.Relative), ct));
        Assert.Equal(1, await app.DataSource.ExecuteIdempotentReadAsync(SelectOne, ct));

        // A pool of one, held: the second open waits (pending requests) and times out (Npgsql's timeouts, and an
        // open failure labelled "other").
        await using (await app.DataSource.OpenConnectionAsync(ct))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await app.DataSource.OpenConnectionAsync(ct));
        }

        // A half-written file fills the rejected counter.
        tuning.WriteText("{ \"generation\": 4, ");
        await Await.UntilAsync(() => app.Agent.RejectedTuningFiles > 0, TimeSpan.FromSeconds(10), "the half-written file is rejected", ct);

        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));

        var names = scrape.SeriesNames;
        var missing = MetricNames.All
            .Except(CgroupSeriesThisMachineLacks())
            .Select(m => m.Kind == MetricKind.Histogram ? m.Bucket : m.Prometheus)
            .Where(n => !names.Contains(n))
            .ToList();
        Assert.True(missing.Count == 0, $"missing from the scrape: {string.Join(", ", missing)}\n\n{scrape.Text}");
        Assert.Contains(scrape.Samples, s => s.Name == MetricNames.PoolConnectionCount.Prometheus && s.Labels.ContainsKey(MetricLabels.PoolName) && s.Labels.ContainsKey(MetricLabels.ConnectionState));
        Assert.Contains(scrape.Samples, s => s.Name == MetricNames.ConnectionOpenFailures.Prometheus && s.Labels.GetValueOrDefault(MetricLabels.SqlState) == SqlStates.Other);
        Assert.Contains(scrape.Samples, s => s.Name == MetricNames.TuningFileRejected.Prometheus && s.Labels.GetValueOrDefault(MetricLabels.Reason) == "malformed");
        Assert.Contains(scrape.Samples, s => s.Name == MetricNames.ProcessCpuTime.Prometheus && s.Labels.ContainsKey(MetricLabels.CpuMode));
        Assert.Contains(scrape.Samples, s => s.Name == MetricNames.RequestDuration.Bucket && s.Labels.GetValueOrDefault(MetricLabels.Route) == "/ping" && s.Labels.GetValueOrDefault(MetricLabels.StatusCode) == "200");
    }

    // The cgroup series exist only where the process has cgroup CPU accounting (and the throttling ones only with the
    // CPU controller); CpuSeriesTests checks them against the files themselves.
    private static IEnumerable<MetricName> CgroupSeriesThisMachineLacks() => CgroupCpu.Locate()?.Read() switch
    {
        null => MetricNames.Cgroup,
        { Periods: null } => [MetricNames.CgroupCpuPeriods, MetricNames.CgroupCpuThrottledPeriods, MetricNames.CgroupCpuThrottledTime],
        _ => [],
    };

    private static async Task<int> SelectOne(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
