using Autotune.Agent.Data;
using Autotune.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// A live pool swap holds the process to max(old, new) connections, counted by the server: sixteen clients keep the
/// pool saturated while the tuning file raises it 4 -> 12 and lowers it 12 -> 3, and a separate connection samples
/// pg_stat_activity for the app's backends all the while. Without the gate each swap would hold the old pool's busy
/// connections beside the new pool (4 + 12 = 16 on the raise, 12 + 3 = 15 on the lowering).
/// </summary>
public sealed class BoundedPoolSwapTests(PostgresFixture postgres)
{
    private const string AppName = "bounded-swap";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Raising_and_lowering_the_pool_under_saturating_load_never_holds_more_than_max_of_old_and_new_and_fails_no_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        using var tuning = new TuningDirectory();
        tuning.Write(new TuningFile(1, ThreadPoolMinThreads: 32, DbMaxPoolSize: 4));
        await using var app = await AgentApp.StartAsync(
            o =>
            {
                o.ConnectionString = database + $";Application Name={AppName}";
                o.TuningFilePath = tuning.Path;
            },
            endpoints => endpoints.MapGet("/db", async (ITunedDataSource db, CancellationToken token) =>
            {
                // Holds its connection a few milliseconds, so every swap happens with the old pool busy.
                await using var connection = await db.OpenConnectionAsync(token);
                await using var command = new NpgsqlCommand("SELECT pg_sleep(0.005)", connection);
                await command.ExecuteNonQueryAsync(token);
                return Results.Text("ok");
            }),
            ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        using var sampler = await ActivitySampler.StartAsync(database, ct);
        using var load = new Load(app, clients: 16);
        try
        {
            await load.WaitForAsync(50, "load runs on the first pool", ct);

            // Raise 4 -> 12: the bound is 12 until the next swap; the new pool must also get past the old one's 4.
            sampler.Bound = 12;
            tuning.Write(new TuningFile(2, 32, 12));
            await app.Agent.WaitForGenerationAsync(2, ct).WaitAsync(Timeout, ct);
            await Await.UntilAsync(() => sampler.MaxSeen > 4, Timeout, "the raised pool opens more than the old one had", ct);
            await load.WaitForAsync(100, "load runs on the raised pool", ct);
            var raisedPeak = sampler.MaxSeen;

            // Lower 12 -> 3: the bound stays 12 while the old pool drains, then is 3.
            tuning.Write(new TuningFile(3, 32, 3));
            await app.Agent.WaitForGenerationAsync(3, ct).WaitAsync(Timeout, ct);
            await Await.UntilAsync(() => source.RetiredGenerations.Count == 0, Timeout, "the replaced pools drain and are disposed", ct);
            await Await.UntilAsync(() => sampler.Last <= 3, Timeout, "the server sees the old backends gone", ct);
            sampler.Bound = 3;
            await load.WaitForAsync(100, "load runs on the lowered pool", ct);

            await load.StopAsync();
            var samples = await sampler.StopAsync();

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{samples.Count} samples, {load.Completed} requests; most connections seen under each bound: "
                + string.Join(", ", samples.GroupBy(s => s.Bound).Select(g => $"{g.Max(s => s.Count)} (bound {g.Key}, {g.Count()} samples)")));
            Assert.Empty(load.Failures);
            Assert.Equal(3, app.DataSource.MaxPoolSize);
            Assert.True(raisedPeak > 4, $"the raised pool reached {raisedPeak} connections");
            Assert.True(samples.Count > 50, $"pg_stat_activity sampled {samples.Count} times");
            var over = samples.Where(s => s.Count > s.Bound).ToList();
            Assert.True(over.Count == 0, $"{over.Count} of {samples.Count} samples above max(old, new): "
                + string.Join(", ", over.Take(10).Select(s => $"{s.Count} > {s.Bound}")));
            Assert.Equal(1, Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.BoundedPoolSwap.Prometheus));
        }
        finally
        {
            await load.StopAsync();
            await sampler.StopAsync();
        }
    }

    [Fact]
    public async Task An_open_waits_for_a_replaced_connection_to_come_back_and_fails_after_the_connection_timeout_when_none_does()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=2;Timeout=1", cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        var held = await app.DataSource.OpenConnectionAsync(ct);

        // Lowered to 1 while the old pool holds 1: the new pool may open nothing until that one comes back.
        source.Resize(1);
        var refused = await Assert.ThrowsAsync<NpgsqlException>(async () => await app.DataSource.OpenConnectionAsync(ct));
        Assert.Contains("max(old, new)", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, source.CurrentGeneration!.OpenCount);

        var waiting = app.DataSource.OpenConnectionAsync(ct).AsTask();
        await Await.UntilAsync(() => source.SwapGate.Waiting == 1 || waiting.IsCompleted, Timeout, "the open waits at the gate", ct);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var admitted = await waiting.WaitAsync(Timeout, ct);

        Assert.Equal("autotune#2", source.CurrentGeneration.Name);
        Assert.Equal(1, source.CurrentGeneration.OpenCount);
        Assert.Equal(0, source.SwapGate.RetiredConnections());
    }

    [Fact]
    public async Task Requests_waiting_inside_a_replaced_pool_do_not_count_as_its_connections()
    {
        // Pool 2, both connections held, 6 more opens waiting inside it: 8 leases but at most 2 physical connections.
        // Raised to 8, the new pool may open 6 at once; counting the waiters as connections held it at 0 (measured in
        // the demo: pool 4 -> 12 during a collapse, 80 requests waiting, the new pool 6% used for a minute).
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database + ";Maximum Pool Size=2;Timeout=30", cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        var held = new[] { await app.DataSource.OpenConnectionAsync(ct), await app.DataSource.OpenConnectionAsync(ct) };
        var queued = Enumerable.Range(0, 6).Select(_ => app.DataSource.OpenConnectionAsync(ct).AsTask()).ToList();
        await Await.UntilAsync(() => source.CurrentGeneration!.ActiveLeases == 8, Timeout, "six opens wait inside the pool of 2", ct);

        source.Resize(8);
        var opened = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                opened.Add(await app.DataSource.OpenConnectionAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), ct));
            }

            Assert.Equal(2, source.SwapGate.RetiredConnections());
            Assert.Equal(6, source.CurrentGeneration!.OpenCount);
            Assert.All(queued, q => Assert.False(q.IsCompleted));

            // The seventh would take the process past max(old, new) = 8 while the old pool holds 2: it waits.
            var seventh = app.DataSource.OpenConnectionAsync(ct).AsTask();
            await Await.UntilAsync(() => source.SwapGate.Waiting == 1 || seventh.IsCompleted, Timeout, "the seventh open waits at the gate", ct);
            Assert.False(seventh.IsCompleted);
            foreach (var c in held)
            {
                await c.DisposeAsync();
            }

            foreach (var q in queued)
            {
                await (await q.WaitAsync(Timeout, ct)).DisposeAsync();
            }

            await (await seventh.WaitAsync(Timeout, ct)).DisposeAsync();
        }
        finally
        {
            foreach (var c in opened)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_swap_whose_new_pool_cannot_be_built_leaves_the_current_pool_serving_unthrottled()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        var builds = 0;
        await using var app = await AgentApp.StartAsync(
            o =>
            {
                o.ConnectionString = database + ";Maximum Pool Size=2;Timeout=1";
                o.ConfigureDataSource = _ =>
                {
                    if (++builds > 1)
                    {
                        throw new InvalidOperationException("refused");
                    }
                };
            },
            cancellationToken: ct);
        var source = app.App.Services.GetRequiredService<TunedDataSource>();
        await using var first = await app.DataSource.OpenConnectionAsync(ct);

        Assert.Throws<InvalidOperationException>(() => source.Resize(5));

        // The first pool is still current, not counted as replaced, so its second connection is not held back.
        Assert.Empty(source.RetiredGenerations);
        Assert.Equal(0, source.SwapGate.RetiredConnections());
        await using var second = await app.DataSource.OpenConnectionAsync(ct);
        Assert.Equal("autotune#1", source.CurrentGeneration!.Name);
    }

    [Fact]
    public async Task The_agent_stops_claiming_a_bounded_swap_once_the_app_opens_a_connection_it_created_closed()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = await postgres.CreateDatabaseAsync(ct);
        await using var app = await AgentApp.StartAsync(o => o.ConnectionString = database, cancellationToken: ct);
        await (await app.DataSource.OpenConnectionAsync(ct)).DisposeAsync();
        Assert.Equal(1, Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.BoundedPoolSwap.Prometheus));

        // EF Core's way: a connection handed out closed and opened by its owner goes straight to Npgsql's pool.
        await using (var created = app.DataSource.CreateConnection())
        {
            await created.OpenAsync(ct);
        }

        Assert.Equal(0, Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.BoundedPoolSwap.Prometheus));
    }

    /// <summary>Counts the app's backends in pg_stat_activity, as fast as one connection can, against the bound in force.</summary>
    private sealed class ActivitySampler : IDisposable
    {
        private readonly List<(int Count, int Bound)> _samples = [];
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;
        private int _bound = 4;
        private int _last = int.MaxValue;
        private int _max;

        public int Bound
        {
            get => Volatile.Read(ref _bound);
            set => Volatile.Write(ref _bound, value);
        }

        public int Last => Volatile.Read(ref _last);

        public int MaxSeen => Volatile.Read(ref _max);

        public static async Task<ActivitySampler> StartAsync(string database, CancellationToken cancellationToken)
        {
            var sampler = new ActivitySampler();
            var connection = new NpgsqlConnection(database + ";Pooling=false;Application Name=sampler");
            await connection.OpenAsync(cancellationToken);
            sampler._loop = Task.Run(() => sampler.RunAsync(connection), CancellationToken.None);
            return sampler;
        }

        public void Dispose() => _stop.Dispose();

        public async Task<IReadOnlyList<(int Count, int Bound)>> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            lock (_samples)
            {
                return [.. _samples];
            }
        }

        private async Task RunAsync(NpgsqlConnection connection)
        {
            await using var owned = connection;
            await using var command = new NpgsqlCommand("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = $1", connection);
            command.Parameters.AddWithValue(AppName);
            while (!_stop.IsCancellationRequested)
            {
                // The bound is read before the count: a bound lowered mid-query judges the count it was set for.
                var bound = Bound;
                int count;
                try
                {
                    count = (int)(await command.ExecuteScalarAsync(_stop.Token))!;
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                lock (_samples)
                {
                    _samples.Add((count, bound));
                }

                Volatile.Write(ref _last, count);
                if (count > MaxSeen)
                {
                    Volatile.Write(ref _max, count);
                }
            }
        }
    }

    /// <summary>Closed-loop clients on <c>/db</c>, collecting every failure.</summary>
    private sealed class Load : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _failures = [];
        private readonly List<Task> _clients;
        private int _completed;

        public Load(AgentApp app, int clients) =>
            _clients = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(() => ClientAsync(app), CancellationToken.None))];

        public IReadOnlyList<string> Failures
        {
            get
            {
                lock (_failures)
                {
                    return [.. _failures];
                }
            }
        }

        public int Completed => Volatile.Read(ref _completed);

        public Task WaitForAsync(int more, string what, CancellationToken cancellationToken)
        {
            var target = Volatile.Read(ref _completed) + more;
            return Await.UntilAsync(() => Volatile.Read(ref _completed) >= target, Timeout, what, cancellationToken);
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_clients);
        }

        public void Dispose() => _stop.Dispose();

        private async Task ClientAsync(AgentApp app)
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await app.Http.GetAsync(new Uri("/db", UriKind.Relative), CancellationToken.None);
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref _completed);
                    }
                    else
                    {
                        lock (_failures)
                        {
                            _failures.Add($"{(int)response.StatusCode}: {body}");
                        }
                    }
                }
                catch (HttpRequestException ex)
                {
                    lock (_failures)
                    {
                        _failures.Add(ex.Message);
                    }
                }
            }
        }
    }
}
