namespace Autotune.Contracts;

/// <summary>The PostgreSQL error codes the agent counts when opening a connection fails, and what each tells the operator.</summary>
public static class SqlStates
{
    /// <summary><c>too_many_connections</c>: the server's <c>max_connections</c> is the limit.</summary>
    public const string TooManyConnections = "53300";

    /// <summary><c>admin_shutdown</c>: the server is restarting (for example after <c>max_connections</c> changed).</summary>
    public const string AdminShutdown = "57P01";

    /// <summary><c>connection_failure</c>: the connection was lost, usually because the server went away.</summary>
    public const string ConnectionFailure = "08006";

    /// <summary>Label value for an open that failed without a SQLSTATE (refused socket, timeout).</summary>
    public const string Other = "other";

    /// <summary>True for the codes that mean the server restarted and every pooled connection is dead.</summary>
    public static bool MeansServerRestarted(string? sqlState) =>
        sqlState is AdminShutdown or ConnectionFailure;
}
