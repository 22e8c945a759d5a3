using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SampleApi.Caching;
using SampleApi.Data;
using SampleApi.Tests.Infrastructure;
using StackExchange.Redis;

namespace SampleApi.Tests;

public sealed class CacheTests(SharedServers servers)
{
    [Fact]
    public async Task Concurrent_misses_for_one_key_reach_the_database_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        settings["SampleApi:Cache:LocalEnabled"] = "false";
        settings["SampleApi:Demo:SimulatedRoundTripMilliseconds"] = "1500";
        await using var api = await ApiHost.StartAsync(settings, ct);

        var reads = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.Http.GetFromJsonAsync<User>("/users/4", ct)));

        Assert.All(reads, u => Assert.Equal(4, u!.Id));
        Assert.Equal(1, api.Metrics.DatabaseReads);
    }

    [Fact]
    public async Task A_database_read_is_backfilled_into_redis_and_another_process_is_served_from_there()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10);
        await using var first = await ApiHost.StartAsync(settings, ct);
        await first.Http.GetFromJsonAsync<User>("/users/6", ct);
        Assert.Equal(1, first.Metrics.DatabaseReads);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.ConnectionString);
        var key = settings["SampleApi:Cache:RedisKeyPrefix"] + "user:6";
        await Eventually.TrueAsync(async () => await redis.GetDatabase().KeyExistsAsync(key), TimeSpan.FromSeconds(10), "the backfill reaches Redis", ct);

        await using var second = await ApiHost.StartAsync(settings, ct);
        Assert.Equal(6, (await second.Http.GetFromJsonAsync<User>("/users/6", ct))!.Id);
        Assert.Equal(0, second.Metrics.DatabaseReads);
    }

    [Fact]
    public async Task A_refill_never_replaces_a_newer_version_in_redis_or_in_process()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10), ct);
        var redis = api.App.Services.GetRequiredService<RedisUserCache>();
        var local = api.App.Services.GetRequiredService<LocalUserCache>();
        var older = new User(900, "Old", "old@x.example", 1);
        var newer = new User(900, "New", "new@x.example", 2);

        await redis.SetAsync(newer);
        await redis.SetAsync(older);
        Assert.Equal(newer, await redis.TryGetAsync(900));
        Assert.True(await redis.InvalidateAsync(900, 3));
        await redis.SetAsync(newer);
        Assert.Null(await redis.TryGetAsync(900));

        // Another id: the broadcast of the invalidation above also reaches this process's own in-process cache.
        local.Set(newer with { Id = 901 });
        local.Set(older with { Id = 901 });
        Assert.True(local.TryGet(901, out var cached));
        Assert.Equal(newer with { Id = 901 }, cached);
        local.Invalidate(901, 3);
        local.Set(newer with { Id = 901 });
        Assert.False(local.TryGet(901, out _));
    }

    [Fact]
    public async Task The_writing_process_serves_the_new_row_at_once_even_with_a_slow_refill_in_flight()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, servers.Redis, ct, seedUsers: 10);
        settings["SampleApi:Demo:SimulatedRoundTripMilliseconds"] = "1000";
        await using var api = await ApiHost.StartAsync(settings, ct);

        // A read of the old row is in flight (it holds its connection in the simulated round trip) when the write lands.
        var stale = api.Http.GetFromJsonAsync<User>("/users/8", ct);
        await Eventually.TrueAsync(() => Task.FromResult(api.App.Services.GetRequiredService<UserFlights>().InFlight == 1), TimeSpan.FromSeconds(10), "the read is in flight", ct);
        var put = await api.Http.PutAsJsonAsync("/users/8", new UserInput("Fresh", "fresh@x.example"), ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Equal(2, (await api.Http.GetFromJsonAsync<User>("/users/8", ct))!.Version);
        Assert.Equal(8, (await stale)!.Id);
        Assert.Equal(2, (await api.Http.GetFromJsonAsync<User>("/users/8", ct))!.Version);
    }
}
