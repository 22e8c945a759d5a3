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

/// <summary>The database server's connection limits and use.</summary>
/// <param name="Server">host:port, the key of the connection ledger.</param>
/// <param name="MaxConnections">max_connections in force (SHOW).</param>
/// <param name="SuperuserReserved">superuser_reserved_connections.</param>
/// <param name="Connections">Client backends open now (pg_stat_activity).</param>
/// <param name="PendingRestart">True when a changed setting waits for a restart (pg_settings.pending_restart).</param>
/// <param name="PendingMaxConnections">The max_connections a restart would bring in, when one is pending.</param>
public sealed record DatabaseState(string Server, int MaxConnections, int SuperuserReserved, int Connections, bool PendingRestart, int? PendingMaxConnections);
