using Autotune.Agent.Data;
using Autotune.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class ServerRestartTests(PostgresFixture postgres)
{
    [Fact]
    public async Task After_a_server_restart_failures_are_counted_by_sqlstate_the_pool_is_cleared_and_an_idempotent_read_is_retried_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=4", cancellationToken: ct);

        // Three idle connections in the pool, all of which the restart kills.
        var warm = new List<NpgsqlConnection>();
        for (var i = 0; i < 3; i++)
        {
            warm.Add(await app.DataSource.OpenConnectionAsync(ct));
        }

        foreach (var connection in warm)
        {
            await connection.DisposeAsync();
        }

        await postgres.Server.StopAsync(ct);
        try
        {
            // While the server is down (after the pool was cleared) an open is refused: counted as "other".
            app.DataSource.ClearPool();
            await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await app.DataSource.OpenConnectionAsync(ct));
        }
        finally
        {
            await postgres.Server.StartExistingAsync(ct);
        }

        // Pool the dead connections again: stop and start once more with three idle connections out of an earlier
        // life of the server.
        for (var i = 0; i < 3; i++)
        {
            warm[i] = await app.DataSource.OpenConnectionAsync(ct);
        }

        foreach (var connection in warm)
        {
            await connection.DisposeAsync();
        }

        await postgres.Server.RestartAsync(ct);

        var attempts = 0;
        var pid = await app.DataSource.ExecuteIdempotentReadAsync(async (connection, token) =>
        {
            attempts++;
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            return (int)(await command.ExecuteScalarAsync(token))!;
        }, ct);

        Assert.True(pid > 0);
        Assert.Equal(2, attempts);
        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        var restartFailures =
            scrape.Sum(MetricNames.ConnectionOpenFailures.Prometheus, (MetricLabels.SqlState, SqlStates.AdminShutdown)) +
            scrape.Sum(MetricNames.ConnectionOpenFailures.Prometheus, (MetricLabels.SqlState, SqlStates.ConnectionFailure));
        Assert.Equal(1, restartFailures);
        Assert.Equal(1, scrape.Sum(MetricNames.ConnectionOpenFailures.Prometheus, (MetricLabels.SqlState, SqlStates.Other)));

        // The pool was cleared: the two other dead connections are gone, so the next reads succeed at once.
        for (var i = 0; i < 3; i++)
        {
            attempts = 0;
            await app.DataSource.ExecuteIdempotentReadAsync(async (connection, token) =>
            {
                attempts++;
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                return await command.ExecuteScalarAsync(token);
            }, ct);
            Assert.Equal(1, attempts);
        }

        // Every lease ended, the dead connections' too: the generation could drain.
        Assert.Equal(0, app.App.Services.GetRequiredService<TunedDataSource>().CurrentGeneration!.ActiveLeases);
    }

    [Fact]
    public async Task Synchronous_opens_are_leased_and_measured_like_asynchronous_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database, cancellationToken: ct);
        var before = Scrape.Parse(app.Agent.CollectMetrics());

        var value = app.DataSource.ExecuteIdempotentRead(connection =>
        {
            using var command = new NpgsqlCommand("SELECT 7", connection);
            return (int)command.ExecuteScalar()!;
        });
        using (var connection = app.DataSource.OpenConnection())
        {
            Assert.Equal(1, app.App.Services.GetRequiredService<TunedDataSource>().CurrentGeneration!.ActiveLeases);
        }

        var after = Scrape.Parse(app.Agent.CollectMetrics());
        Assert.Equal(7, value);
        Assert.Equal(0, app.App.Services.GetRequiredService<TunedDataSource>().CurrentGeneration!.ActiveLeases);
        Assert.Equal(2, after.Sum(MetricNames.PoolWaitTime.Count) - before.Sum(MetricNames.PoolWaitTime.Count));
        Assert.Equal(2, after.Sum(MetricNames.PoolUseTime.Count) - before.Sum(MetricNames.PoolUseTime.Count));
    }

    [Fact]
    public async Task A_read_that_fails_for_another_reason_is_not_retried()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database, cancellationToken: ct);

        var attempts = 0;
        var error = await Assert.ThrowsAsync<PostgresException>(() => app.DataSource.ExecuteIdempotentReadAsync<object?>(async (connection, token) =>
        {
            attempts++;
            await using var command = new NpgsqlCommand("SELECT * FROM no_such_table", connection);
            return await command.ExecuteScalarAsync(token);
        }, ct));

        Assert.Equal("42P01", error.SqlState);
        Assert.Equal(1, attempts);
    }
}
