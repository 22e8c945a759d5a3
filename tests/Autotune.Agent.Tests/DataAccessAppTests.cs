using System.Data.Common;
using Autotune.Agent.Data;
using Autotune.Agent.EntityFrameworkCore;
using Autotune.Contracts;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// The agent in each kind of app, each added in one or two lines: EF Core contexts (plain and pooled), Dapper over a
/// <see cref="DbDataSource"/>, and an app that had only a connection string. Each is tuned live under load.
/// </summary>
public sealed class DataAccessAppTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ef_core_contexts_take_the_tuned_pool_and_raises_under_load_fail_no_request(bool pooledContexts)
    {
        var ct = TestContext.Current.CancellationToken;
        await AssertTunedLiveAsync(
            builder =>
            {
                // The one line an EF Core app writes beside AddAutotuneAgent.
                if (pooledContexts)
                {
                    builder.Services.AddDbContextPool<ShopContext>((sp, o) => o.UseAutotuneNpgsql(sp));
                }
                else
                {
                    builder.Services.AddDbContext<ShopContext>((sp, o) => o.UseAutotuneNpgsql(sp));
                }
            },
            app => app.MapGet("/items/{id:int}", async (int id, ShopContext shop, CancellationToken token) =>
            {
                var item = await shop.Items.FromSqlRaw(ItemsDatabase.SlowRead, new NpgsqlParameter("id", id)).AsNoTracking().SingleAsync(token);
                return Results.Text($"{item.Name};{ItemsDatabase.PoolSizeOf(shop.Database.GetDbConnection().ConnectionString)}");
            }),
            o => { },
            ct);
    }

    [Fact]
    public async Task Dapper_over_the_registered_DbDataSource_takes_the_tuned_pool_and_raises_under_load_fail_no_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await AssertTunedLiveAsync(
            builder => { },
            app => app.MapGet("/items/{id:int}", async (int id, DbDataSource db, CancellationToken token) =>
            {
                await using var connection = await db.OpenConnectionAsync(token);
                var item = await connection.QuerySingleAsync<Item>(new CommandDefinition(ItemsDatabase.SlowRead, new { id }, cancellationToken: token));
                return Results.Text($"{item.Name};{ItemsDatabase.PoolSizeOf(connection.ConnectionString)}");
            }),
            o => { },
            ct);
    }

    [Fact]
    public async Task An_app_with_only_a_named_connection_string_gets_a_tuned_data_source_and_raises_under_load_fail_no_request()
    {
        var ct = TestContext.Current.CancellationToken;
        await AssertTunedLiveAsync(
            builder => { },
            app => app.MapGet("/items/{id:int}", async (int id, ITunedDataSource db, CancellationToken token) =>
            {
                // Where the app had `new NpgsqlConnection(connectionString)`: it opens, closes and opens again itself.
                await using var connection = db.CreateConnection();
                await connection.OpenAsync(token);
                await connection.CloseAsync();
                await connection.OpenAsync(token);
                await using var command = new NpgsqlCommand(ItemsDatabase.SlowRead, connection);
                command.Parameters.AddWithValue("id", id);
                await using var reader = await command.ExecuteReaderAsync(token);
                await reader.ReadAsync(token);
                return Results.Text($"{reader.GetString(1)};{ItemsDatabase.PoolSizeOf(connection.ConnectionString)}");
            }),
            o => o.ConnectionStringName = "Orders",
            ct,
            connectionStringName: "Orders",
            opensAreTimed: false); // the app opens its connection itself: Npgsql has no hook before an open
    }

    // Plain UseNpgsql over the DbDataSource (no interceptor): a connection made before a swap may open again.
    [Fact]
    public async Task A_context_that_outlives_a_swap_opens_again_from_its_pool_which_is_disposed_only_once_the_context_is_gone()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await ItemsDatabase.CreateAsync(database, ct);
        await using var app = await AgentApp.StartAsync(
            o => o.ConnectionString = database + ";Maximum Pool Size=3",
            cancellationToken: ct,
            services: builder => builder.Services.AddDbContext<ShopContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<ITunedDataSource>().DbDataSource)));
        var source = app.App.Services.GetRequiredService<TunedDataSource>();

        await UseAcrossASwapAsync(app, source, ct);

        // The context is gone: once it is collected, the drained generation is disposed.
        await Await.UntilAsync(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                source.DisposeDrained();
                return source.RetiredGenerations.Count == 0;
            },
            Timeout,
            "the retired pool is disposed once no connection it created is reachable",
            ct);
    }

    private static async Task UseAcrossASwapAsync(AgentApp app, TunedDataSource source, CancellationToken ct)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var shop = scope.ServiceProvider.GetRequiredService<ShopContext>();
        Assert.Equal("item 1", (await shop.Items.AsNoTracking().SingleAsync(i => i.Id == 1, ct)).Name);
        var old = source.CurrentGeneration!;

        source.Resize(5);
        source.DisposeDrained();

        // No connection of the old pool is open, but the context's connection may open again: the pool stays.
        Assert.Equal(0, old.ActiveLeases);
        Assert.Single(source.RetiredGenerations);
        Assert.Equal("item 2", (await shop.Items.AsNoTracking().SingleAsync(i => i.Id == 2, ct)).Name);
        Assert.Equal(3, ItemsDatabase.PoolSizeOf(shop.Database.GetDbConnection().ConnectionString));

        // A new context takes the new pool.
        await using var fresh = app.App.Services.CreateAsyncScope();
        var freshShop = fresh.ServiceProvider.GetRequiredService<ShopContext>();
        Assert.Equal("item 3", (await freshShop.Items.AsNoTracking().SingleAsync(i => i.Id == 3, ct)).Name);
        Assert.Equal(5, ItemsDatabase.PoolSizeOf(freshShop.Database.GetDbConnection().ConnectionString));
    }

    private async Task AssertTunedLiveAsync(
        Action<WebApplicationBuilder> services,
        Action<WebApplication> endpoints,
        Action<AutotuneAgentOptions> configure,
        CancellationToken ct,
        string? connectionStringName = null,
        bool opensAreTimed = true)
    {
        var database = await postgres.CreateDatabaseAsync(ct);
        await ItemsDatabase.CreateAsync(database, ct);
        using var tuning = new TuningDirectory();
        tuning.Write(SwapsUnderLoad.First);
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        try
        {
            await using var app = await AgentApp.StartAsync(
                o =>
                {
                    if (connectionStringName is null)
                    {
                        o.ConnectionString = database;
                    }

                    o.TuningFilePath = tuning.Path;
                    configure(o);
                },
                cancellationToken: ct,
                pipeline: endpoints,
                services: builder =>
                {
                    if (connectionStringName is not null)
                    {
                        builder.Configuration[$"ConnectionStrings:{connectionStringName}"] = database;
                    }

                    services(builder);
                });

            var (failures, poolSizes, completed) = await SwapsUnderLoad.RunAsync(app, tuning, "/items", ct);

            Assert.Empty(failures);
            // Every generation served requests: the app's connections came from the tuned pool, not a pool of its own.
            Assert.Equal([4, 8, 12], poolSizes.Order());
            Assert.True(completed >= 150, $"completed {completed}");
            ThreadPool.GetMinThreads(out var appliedWorkers, out _);
            Assert.Equal(32, appliedWorkers);
            var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
            Assert.Equal(12, scrape.Value(MetricNames.AppliedPoolSize.Prometheus));
            Assert.Equal(32, scrape.Value(MetricNames.AppliedMinThreads.Prometheus));
            Assert.True(scrape.Sum(MetricNames.PoolUseTime.Count) >= completed, "every request's connection hold time is recorded");
            if (opensAreTimed)
            {
                Assert.True(scrape.Sum(MetricNames.PoolWaitTime.Count) >= completed, "every request's open is timed");
            }

            var source = app.App.Services.GetRequiredService<TunedDataSource>();
            await Await.UntilAsync(
                () =>
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    return source.RetiredGenerations.Count == 0;
                },
                Timeout,
                "the retired pools drain and are disposed",
                ct);
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }
    }
}
