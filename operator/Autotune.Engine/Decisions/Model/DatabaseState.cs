namespace Autotune.Engine.Decisions.Model;

/// <summary>The database server's connection limits and use.</summary>
/// <param name="Server">host:port, the key of the connection ledger.</param>
/// <param name="MaxConnections">max_connections in force (SHOW).</param>
/// <param name="SuperuserReserved">superuser_reserved_connections.</param>
/// <param name="Connections">Client backends open now (pg_stat_activity).</param>
/// <param name="PendingRestart">True when a changed setting waits for a restart (pg_settings.pending_restart).</param>
/// <param name="PendingMaxConnections">The max_connections a restart would bring in, when one is pending.</param>
public sealed record DatabaseState(string Server, int MaxConnections, int SuperuserReserved, int Connections, bool PendingRestart, int? PendingMaxConnections);
