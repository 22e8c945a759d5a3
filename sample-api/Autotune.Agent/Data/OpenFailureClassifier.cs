using System.Net.Sockets;
using Autotune.Contracts;
using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>Maps a failed open or use of a connection to the SQLSTATE label the operator reads.</summary>
internal static class OpenFailureClassifier
{
    /// <summary>
    /// 53300, 57P01 or 08006 from the server; 08006 also for a connection lost mid-stream (the server went away
    /// without an error message); <see cref="SqlStates.Other"/> for everything else (refused socket, timeout, other codes).
    /// </summary>
    public static string Classify(Exception exception) => exception switch
    {
        PostgresException { SqlState: SqlStates.TooManyConnections or SqlStates.AdminShutdown or SqlStates.ConnectionFailure } pg => pg.SqlState,
        PostgresException => SqlStates.Other,
        NpgsqlException { InnerException: SocketException } => SqlStates.Other,
        NpgsqlException { InnerException: IOException } => SqlStates.ConnectionFailure,
        _ => SqlStates.Other,
    };

    /// <summary>True when the failure means the server restarted and every pooled connection is dead.</summary>
    public static bool MeansServerRestarted(Exception exception) =>
        exception is NpgsqlException && SqlStates.MeansServerRestarted(Classify(exception));
}
