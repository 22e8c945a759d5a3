using Autotune.Testing;

[assembly: AssemblyFixture(typeof(SampleApi.Tests.Infrastructure.SharedServers))]

namespace SampleApi.Tests.Infrastructure;

/// <summary>
/// One PostgreSQL and one Redis for the tests that do not stop them; each test gets a fresh database and its own
/// Redis key prefix. Tests that stop a server start their own.
/// </summary>
public sealed class SharedServers : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private RedisServer? _redis;

    public PostgresServer Postgres => _postgres ?? throw new InvalidOperationException("not started");

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync(maxConnections: 200);
        var redis = RedisServer.StartAsync();
        _postgres = await postgres;
        _redis = await redis;
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
