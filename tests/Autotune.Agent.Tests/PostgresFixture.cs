using Autotune.Testing;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// One PostgreSQL server for the whole assembly (starting one costs seconds on a loaded machine); each test takes a
/// fresh database. The tests run one at a time, so the restart test may stop and start this server.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync(maxConnections: 100);

    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken) => Server.CreateDatabaseAsync(cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
