using System.Net;
using Npgsql;
using SampleApi.Tests.Infrastructure;

namespace SampleApi.Tests;

public sealed class FailFastTests(SharedServers servers)
{
    [Fact]
    public async Task No_connection_within_the_pool_wait_timeout_is_503_with_retry_after_not_a_hang()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        settings["ConnectionStrings:Postgres"] += ";Maximum Pool Size=1";
        settings["SampleApi:PoolWaitTimeoutSeconds"] = "1";
        settings["SampleApi:QueryTimeoutMilliseconds"] = "20000";
        settings["SampleApi:Cache:LocalEnabled"] = "false";
        settings["SampleApi:Demo:SimulatedRoundTripMilliseconds"] = "6000";
        await using var api = await ApiHost.StartAsync(settings, ct);

        var holder = api.Http.GetAsync(new Uri("/users/1", UriKind.Relative), ct);
        await Eventually.TrueAsync(() => SleepingAsync(settings, ct), TimeSpan.FromSeconds(10), "the only connection is held", ct);
        var waiting = await api.Http.GetAsync(new Uri("/users/2", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), waiting.Headers.RetryAfter?.Delta);
        Assert.False(holder.IsCompleted, "the 503 came while the connection was still held, so it did not wait for it");
        Assert.Equal(HttpStatusCode.OK, (await holder).StatusCode);
    }

    [Fact]
    public async Task A_query_slower_than_the_timeout_is_ended_by_the_server_and_answered_503()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = await ApiSettings.ForAsync(servers.Postgres, null, ct, seedUsers: 10);
        settings["SampleApi:QueryTimeoutMilliseconds"] = "300";
        settings["SampleApi:Demo:SimulatedRoundTripMilliseconds"] = "5000";
        await using var api = await ApiHost.StartAsync(settings, ct);

        var response = await api.Http.GetAsync(new Uri("/users/1", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("query timeout", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private static async Task<bool> SleepingAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:Postgres"]!.Replace(";Maximum Pool Size=1", string.Empty, StringComparison.Ordinal));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND state = 'active' AND datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync(ct))! > 0;
    }
}
