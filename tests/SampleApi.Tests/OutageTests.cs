using System.Net;
using System.Net.Http.Json;
using Autotune.Testing;
using SampleApi.Data;
using SampleApi.Tests.Infrastructure;
using StackExchange.Redis;

namespace SampleApi.Tests;

public sealed class OutageTests(SharedServers servers)
{
    [Fact]
    public async Task With_redis_stopped_mid_test_every_request_is_served_from_postgres_and_failures_are_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        await using var api = await ApiHost.StartAsync(await ApiSettings.ForAsync(servers.Postgres, redis, ct, seedUsers: 300), ct);
        for (var id = 1; id <= 20; id++)
        {
            Assert.Equal(id, (await api.Http.GetFromJsonAsync<User>($"/users/{id}", ct))!.Id);
        }

        await redis.StopAsync();

        var statuses = new List<HttpStatusCode>();
        for (var id = 1; id <= 200; id++)
        {
            statuses.Add((await api.Http.GetAsync(new Uri($"/users/{id}", UriKind.Relative), ct)).StatusCode);
        }

        var put = await api.Http.PutAsJsonAsync("/users/150", new UserInput("During outage", "outage@x.example"), ct);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(2, (await api.Http.GetFromJsonAsync<User>("/users/150", ct))!.Version);
        Assert.True(api.Metrics.RedisReadFailures > 0, "reads that skipped Redis are counted");
        Assert.True(api.Metrics.InvalidationFailures > 0, "the invalidation that could not reach Redis is counted");
        await Eventually.TrueAsync(() => Task.FromResult(api.Metrics.BackfillFailures > 0), TimeSpan.FromSeconds(10), "failed backfills are counted", ct);
        var ready = await api.Http.GetAsync(new Uri("/readyz", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("unreachable", await ready.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        await redis.StartExistingAsync(ct);
        await api.WaitUntilReadyAsync(ct);
    }

    [Fact]
    public async Task A_read_from_a_redis_that_stopped_answering_is_served_from_postgres_before_redis_answers_and_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await RedisServer.StartAsync(ct);
        var settings = await ApiSettings.ForAsync(servers.Postgres, redis, ct, seedUsers: 300);
        settings["SampleApi:Cache:LocalEnabled"] = "false";
        await using var api = await ApiHost.StartAsync(settings, ct);
        Assert.Equal(1, (await api.Http.GetFromJsonAsync<User>("/users/1", ct))!.Id);

        // A script that keeps Redis busy for 4 s: the server is up and the connection open, but nothing is answered.
        // Both connections are opened first (a handshake would wait for the script too). The API's read gives up after
        // its 50 ms bound (the client's own 1 s timeout is the backstop), long before the script ends.
        await using var blocker = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var busy = blocker.GetDatabase().ScriptEvaluateAsync(
            """
            local t = redis.call('TIME')
            local start = t[1] * 1000000 + t[2]
            while true do
              local now = redis.call('TIME')
              if now[1] * 1000000 + now[2] - start > tonumber(ARGV[1]) then return 1 end
            end
            """,
            values: [4_000_000]);
        await Eventually.TrueAsync(
            async () =>
            {
                var ping = probe.GetDatabase().PingAsync();
                return await Task.WhenAny(ping, Task.Delay(100, ct)) != ping && !busy.IsCompleted;
            },
            TimeSpan.FromSeconds(3),
            "Redis busy with the script",
            ct);
        var failuresBefore = api.Metrics.RedisReadFailures;

        var user = await api.Http.GetFromJsonAsync<User>("/users/7", ct);

        Assert.False(busy.IsCompleted, "the row was served before Redis answered anything");
        Assert.Equal(7, user!.Id);
        Assert.Equal(failuresBefore + 1, api.Metrics.RedisReadFailures);
        Assert.Equal(1, (int)await busy);
    }

    [Fact]
    public async Task With_postgres_stopped_the_api_answers_503_fast_and_recovers_by_itself_when_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(cancellationToken: ct);
        var settings = await ApiSettings.ForAsync(postgres, servers.Redis, ct, seedUsers: 300);
        await using var api = await ApiHost.StartAsync(settings, ct);
        Assert.Equal(1, (await api.Http.GetFromJsonAsync<User>("/users/1", ct))!.Id);

        await postgres.StopAsync(ct);

        var read = await api.Http.GetAsync(new Uri("/users/2", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.NotNull(read.Headers.RetryAfter);
        var write = await api.Http.PostAsJsonAsync("/users", new UserInput("Lost?", "lost@x.example"), ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Http.GetAsync(new Uri("/readyz", UriKind.Relative), ct)).StatusCode);

        await postgres.StartExistingAsync(ct);
        await api.WaitUntilReadyAsync(ct);

        Assert.Equal(3, (await api.Http.GetFromJsonAsync<User>("/users/3", ct))!.Id);
        Assert.Equal(HttpStatusCode.Created, (await api.Http.PostAsJsonAsync("/users", new UserInput("Back", "back@x.example"), ct)).StatusCode);
        Assert.Equal(0L, await UserEndpointTests.Scalar(settings, "SELECT count(*) FROM users WHERE email = 'lost@x.example'", ct));
    }
}
