using Autotune.Agent.Data;
using Autotune.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class PoolSwapTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task New_pool_sizes_applied_under_concurrent_load_fail_no_request_and_the_gauges_show_the_new_generation()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: 16, DbMaxPoolSize: 4));
        await using var app = await AgentApp.StartAsync(
            o =>
            {
                o.ConnectionString = database;
                o.TuningFilePath = tuning.Path;
            },
            endpoints => endpoints.MapGet("/db", async (ITunedDataSource db, CancellationToken token) =>
            {
                // Holds its connection for a few milliseconds, so swaps happen while connections are out.
                var pool = db.PoolName;
                await using var connection = await db.OpenConnectionAsync(token);
                await using var command = new NpgsqlCommand("SELECT pg_sleep(0.003)", connection);
                await command.ExecuteNonQueryAsync(token);
                return Results.Text(pool);
            }),
            ct);

        using var stopLoad = new CancellationTokenSource();
        var failures = new List<string>();
        var pools = new HashSet<string>();
        var completed = 0;
        async Task Client()
        {
            while (!stopLoad.IsCancellationRequested)
            {
                try
                {
                    using var response = await app.Http.GetAsync(new Uri("/db", UriKind.Relative), CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    lock (pools)
                    {
                        if (response.IsSuccessStatusCode)
                        {
                            pools.Add(body);
                            completed++;
                        }
                        else
                        {
                            failures.Add($"{(int)response.StatusCode}: {body}");
                        }
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (pools)
                    {
                        failures.Add(ex.Message);
                    }
                }
            }
        }

        var clients = Enumerable.Range(0, 12).Select(_ => Task.Run(Client, CancellationToken.None)).ToList();
        int Completed()
        {
            lock (pools)
            {
                return completed;
            }
        }

        var generations = new[] { new TuningFile(2, 16, 8), new TuningFile(3, 20, 2), new TuningFile(4, 16, 6) };
        foreach (var file in generations)
        {
            var before = Completed();
            await Await.UntilAsync(() => Completed() >= before + 50, Timeout, "load runs before the swap", ct);
            tuning.Write(file);
            await app.Agent.WaitForGenerationAsync(file.Generation, ct).WaitAsync(Timeout, ct);
        }

        var atEnd = Completed();
        await Await.UntilAsync(() => Completed() >= atEnd + 50, Timeout, "load runs after the last swap", ct);
        await stopLoad.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.Equal(6, app.DataSource.MaxPoolSize);
        // Every generation was current while requests were served: 1 at start, one per applied file.
        Assert.Equal(["autotune#1", "autotune#2", "autotune#3", "autotune#4"], pools.Order());
        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        Assert.Equal(4, scrape.Value(MetricNames.AppliedGeneration.Prometheus));
        Assert.Equal(6, scrape.Value(MetricNames.AppliedPoolSize.Prometheus));
        Assert.Equal(16, scrape.Value(MetricNames.AppliedMinThreads.Prometheus));
        Assert.Equal(6, scrape.Sum(MetricNames.PoolConnectionMax.Prometheus, (MetricLabels.PoolName, "autotune#4")));

        // The old generations drain and are disposed.
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        await Await.UntilAsync(() => source.RetiredGenerations.Count == 0, Timeout, "retired pools are disposed", ct);
    }

    [Fact]
    public async Task A_retired_pool_keeps_serving_connections_in_use_and_is_disposed_once_they_are_returned()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=3", cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();

        var held = await app.DataSource.OpenConnectionAsync(ct);
        var old = source.CurrentGeneration!;
        Assert.Equal("autotune#1", old.Name);

        source.Resize(5);

        var current = source.CurrentGeneration!;
        Assert.Equal("autotune#2", current.Name);
        Assert.True(old.IsRetired);
        Assert.Equal(1, old.ActiveLeases);
        Assert.False(old.Drained.IsCompleted);

        // The connection taken before the swap still works; new ones come from the new pool.
        await using (var command = new NpgsqlCommand("SELECT 42", held))
        {
            Assert.Equal(42, await command.ExecuteScalarAsync(ct));
        }

        await using (var fresh = await app.DataSource.OpenConnectionAsync(ct))
        {
            Assert.Equal(1, current.ActiveLeases);
            Assert.Equal(2, PhysicalConnections(await app.ScrapeAsync(ct)));
        }

        Assert.Single(source.RetiredGenerations);
        await held.DisposeAsync();
        await old.Drained.WaitAsync(Timeout, ct);
        await Await.UntilAsync(() => source.RetiredGenerations.Count == 0, Timeout, "the drained pool is disposed", ct);
        Assert.Throws<ObjectDisposedException>(() => old.DataSource.OpenConnection());
        Assert.Equal(1, PhysicalConnections(await app.ScrapeAsync(ct)));
    }

    [Fact]
    public async Task The_apps_data_source_configuration_runs_for_every_generation_and_the_agent_keeps_the_pool_name_and_size()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        var configured = 0;
        await using var app = await AgentApp.StartAsync(
            o =>
            {
                o.ConnectionString = database;
                o.PoolName = "orders";
                o.ConfigureDataSource = builder =>
                {
                    configured++;
                    builder.Name = "overridden";
                    builder.ConnectionStringBuilder.ApplicationName = "orders-api";
                    builder.ConnectionStringBuilder.MaxPoolSize = 99;
                };
            },
            cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();

        await (await app.DataSource.OpenConnectionAsync(ct)).DisposeAsync();
        source.Resize(7);

        await using var connection = await app.DataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand("SELECT current_setting('application_name')", connection);
        Assert.Equal("orders-api", await command.ExecuteScalarAsync(ct));
        Assert.Equal(2, configured);
        Assert.Equal("orders#2", app.DataSource.PoolName);
        Assert.Equal(7, new NpgsqlConnectionStringBuilder(connection.ConnectionString).MaxPoolSize);
    }

    private static double? PhysicalConnections(string text) => Scrape.Parse(text).Value(MetricNames.PhysicalConnections.Prometheus);
}
