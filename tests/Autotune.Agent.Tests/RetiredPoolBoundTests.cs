using System.Reflection;
using Autotune.Agent.Data;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// A replaced pool never holds more physical connections than the swap gate counts for it, measured on the client
/// side (Npgsql's own connection count), so a backend still exiting on the server cannot blur the result. A
/// connection that comes back to a replaced pool must be closed by Npgsql's return itself: the agent's clear after it
/// is skipped by Npgsql while another clear of the same pool is still draining (one on a broken connection, say).
/// </summary>
public sealed class RetiredPoolBoundTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_connection_created_before_a_swap_and_opened_after_it_is_closed_on_return_while_another_clear_is_draining()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=2", cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        var counter = app.App.Services.GetRequiredService<PhysicalConnectionCounter>();

        // EF Core's way: handed out closed by the first pool, opened by its owner after the swap.
        await using var created = app.DataSource.CreateConnection();
        var replaced = source.CurrentGeneration!;
        source.Resize(3);

        using (ClearInProgress.On(replaced.DataSource))
        {
            await created.OpenAsync(ct);
            await created.CloseAsync();

            AssertWithinCount(counter, replaced);
            Assert.Equal(0, counter.Count(new HashSet<string> { replaced.Name }));
        }
    }

    [Fact]
    public async Task A_request_waiting_inside_a_replaced_pool_leaves_no_idle_connection_there_while_another_clear_is_draining()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=1;Timeout=10", cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        var counter = app.App.Services.GetRequiredService<PhysicalConnectionCounter>();
        await (await app.DataSource.OpenConnectionAsync(ct)).DisposeAsync();

        // Three swaps, 1 -> 2 -> 1 -> 2: each time one request holds the full pool's last connection and one waits
        // inside that pool. The one that comes back wakes the waiter, which opens a fresh connection there.
        for (var round = 0; round < 3; round++)
        {
            var replaced = source.CurrentGeneration!;
            var held = new List<NpgsqlConnection>();
            for (var i = 0; i < replaced.MaxPoolSize; i++)
            {
                held.Add(await app.DataSource.OpenConnectionAsync(ct));
            }

            var waiting = app.DataSource.OpenConnectionAsync(ct).AsTask();
            await Await.UntilAsync(() => replaced.ActiveLeases == replaced.MaxPoolSize + 1, Timeout, "a request waits for the full pool", ct);
            source.Resize(3 - replaced.MaxPoolSize);
            Assert.True(replaced.IsRetired);

            using (ClearInProgress.On(replaced.DataSource))
            {
                await held[0].DisposeAsync();
                var waiter = await waiting.WaitAsync(Timeout, ct);
                await waiter.DisposeAsync();

                AssertWithinCount(counter, replaced);
                foreach (var connection in held.Skip(1))
                {
                    await connection.DisposeAsync();
                }

                AssertWithinCount(counter, replaced);
            }
        }
    }

    [Fact]
    public async Task Swaps_under_partial_load_never_leave_a_replaced_pool_holding_more_connections_than_the_gate_counts()
    {
        // Six clients with think time on pools of 4 and 6: the pool has idle connections at most swaps, which a swap
        // must close before it stops counting them. A sampler on its own thread reads the gate's own view of the
        // replaced pools, without the lock a swap holds, so it also looks inside a swap.
        const int Clients = 6;
        const int Swaps = 80;
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=4;Timeout=30", cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        var counter = app.App.Services.GetRequiredService<PhysicalConnectionCounter>();
        await (await app.DataSource.OpenConnectionAsync(ct)).DisposeAsync();

        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(() => ClientAsync(app.DataSource, stop.Token), CancellationToken.None)).ToList();
        var violations = new List<string>();
        var samples = 0;
        var sampler = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    foreach (var generation in source.SwapGate.Retired)
                    {
                        // Counted on both sides of the connections: a request that took the pool just before it was
                        // replaced may still lease it (the count rises by its lease before its connection opens), so
                        // only connections over both counts are over the bound.
                        var countedBefore = PoolSwapGate.Counted(generation);
                        var physical = counter.Count(new HashSet<string> { generation.Name });
                        var counted = Math.Max(countedBefore, PoolSwapGate.Counted(generation));
                        if (physical > counted)
                        {
                            violations.Add($"{generation.Name}: {physical} connections, counted {counted}");
                        }
                    }

                    samples++;
                    Thread.Yield();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            var random = new Random(7);
            for (var swap = 0; swap < Swaps; swap++)
            {
                source.Resize(swap % 2 == 0 ? 6 : 4);
                await Task.Delay(random.Next(20, 50), ct);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
            await Task.WhenAll(clients);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{samples} samples over {Swaps} swaps");
        Assert.True(samples > Swaps, $"sampled {samples} times");
        Assert.True(violations.Count == 0, $"{violations.Count} samples over the bound: {string.Join("; ", violations.Take(10))}");
    }

    private static async Task ClientAsync(ITunedDataSource dataSource, CancellationToken stop)
    {
        var random = new Random();
        while (!stop.IsCancellationRequested)
        {
            await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
            {
                await using var command = new NpgsqlCommand("SELECT pg_sleep(0.002)", connection);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }

            await Task.Delay(random.Next(0, 4), CancellationToken.None);
        }
    }

    private static void AssertWithinCount(PhysicalConnectionCounter counter, PoolGeneration generation)
    {
        var counted = PoolSwapGate.Counted(generation);
        var physical = counter.Count(new HashSet<string> { generation.Name });
        Assert.True(physical <= counted, $"the replaced pool {generation.Name} holds {physical} connections, the gate counts {counted}");
    }

    /// <summary>
    /// Makes Npgsql 10 see a clear of the pool still draining (<c>PoolingDataSource._isClearing</c>), as when a broken
    /// connection clears it: every other clear then bumps the pool's clear count but closes no idle connection.
    /// </summary>
    private sealed class ClearInProgress : IDisposable
    {
        private static readonly FieldInfo IsClearing =
            typeof(NpgsqlDataSource).Assembly.GetType("Npgsql.PoolingDataSource")?.GetField("_isClearing", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Npgsql's PoolingDataSource._isClearing is gone: this test is pinned to Npgsql 10's pool");

        private readonly NpgsqlDataSource _dataSource;

        private ClearInProgress(NpgsqlDataSource dataSource)
        {
            _dataSource = dataSource;
            IsClearing.SetValue(dataSource, 1);
        }

        public static ClearInProgress On(NpgsqlDataSource dataSource) => new(dataSource);

        public void Dispose() => IsClearing.SetValue(_dataSource, 0);
    }
}
