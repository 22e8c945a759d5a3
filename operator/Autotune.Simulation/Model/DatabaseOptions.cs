namespace Autotune.Simulation.Model;

/// <summary>A PostgreSQL server: its CPU, connection limit, and how throughput degrades past its cores.</summary>
public sealed record DatabaseOptions
{
    /// <summary>Name of the server (host:port in the operator's ledger).</summary>
    public string Name { get; init; } = "postgres:5432";

    /// <summary>CPU cores of the server.</summary>
    public int Cores { get; init; } = 2;

    /// <summary><c>max_connections</c> at the start.</summary>
    public int MaxConnections { get; init; } = 100;

    /// <summary><c>superuser_reserved_connections</c>: slots the applications can never take.</summary>
    public int SuperuserReserved { get; init; } = 3;

    /// <summary>Connections held by others (the operator's admin connection, monitoring).</summary>
    public int OtherConnections { get; init; } = 1;

    /// <summary>
    /// Extra slowdown per executing session past the cores (lock, cache and scheduling contention): a query takes
    /// max(1, E/cores) x (1 + Degradation x max(0, E - cores)) times its idle CPU. The default is the value fitted to pgbench -S (bench/engine/calibration.md).
    /// </summary>
    public double Degradation { get; init; } = 0.011;

    /// <summary>Seconds the server is down when it restarts to take a new <c>max_connections</c>.</summary>
    public double RestartSeconds { get; init; } = 5;
}
