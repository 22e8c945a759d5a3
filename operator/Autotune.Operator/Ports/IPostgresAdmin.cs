using Autotune.Engine.Decisions.Model;

namespace Autotune.Operator.Ports;

/// <summary>The database server, over the admin connection (pg_monitor and ALTER SYSTEM on max_connections).</summary>
public interface IPostgresAdmin
{
    /// <summary>Reads max_connections, the reserved connections, the connections open now and whether a restart is pending.</summary>
    Task<DatabaseState> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Runs ALTER SYSTEM SET max_connections and reloads; returns the state, whose PendingRestart says whether a restart is needed.</summary>
    Task<DatabaseState> SetMaxConnectionsAsync(int value, CancellationToken cancellationToken);

    /// <summary>Restarts the server the way the configuration says, and waits until it accepts connections again.</summary>
    Task RestartAsync(CancellationToken cancellationToken);
}
