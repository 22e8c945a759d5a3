using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Autotune.Testing.Tests;

public sealed class ServerTests
{
    [Fact]
    public async Task Postgres_starts_on_loopback_with_the_asked_max_connections_and_survives_a_restart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(maxConnections: 37, cancellationToken: ct);
        var database = await server.CreateDatabaseAsync(cancellationToken: ct);

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("CREATE TABLE t(x int); INSERT INTO t VALUES (42); SHOW max_connections", connection);
            Assert.Equal("37", await command.ExecuteScalarAsync(ct));
        }

        await server.RestartAsync(ct);
        NpgsqlConnection.ClearAllPools();

        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT x FROM t", connection);
            Assert.Equal(42, await command.ExecuteScalarAsync(ct));
        }
    }

    [Fact]
    public async Task Redis_can_be_stopped_and_started_again_on_its_port()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RedisServer.StartAsync(ct);
        Assert.True(await Answers(server.Port, ct));

        await server.StopAsync();
        Assert.False(server.IsRunning);
        Assert.False(await Answers(server.Port, ct));

        await server.StartExistingAsync(ct);
        Assert.True(await Answers(server.Port, ct));
    }

    [Fact]
    public async Task Prometheus_serves_its_http_api()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PrometheusServer.StartAsync(["127.0.0.1:1"], TimeSpan.FromSeconds(1), cancellationToken: ct);
        using var http = new HttpClient { BaseAddress = server.Url };

        var body = await http.GetStringAsync(new Uri("/api/v1/query?query=1%2B1", UriKind.Relative), ct);

        Assert.Contains("\"status\":\"success\"", body, StringComparison.Ordinal);
    }

    private static async Task<bool> Answers(int port, CancellationToken ct)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, ct);
            await using var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, ct);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
