namespace Autotune.Simulation.Model;

/// <summary>
/// The simulated PostgreSQL server shared by every API on it: connection slots against <c>max_connections</c>
/// (refusal beyond it, SQLSTATE 53300), query times that stretch past its cores and degrade further with contention,
/// and restarts that drop every connection.
/// </summary>
public sealed class DatabaseServer
{
    private double _executingNext;
    private double _cpuNext;

    /// <summary>A server at its starting settings.</summary>
    public DatabaseServer(DatabaseOptions options)
    {
        Options = options;
        MaxConnections = options.MaxConnections;
    }

    /// <summary>The server's fixed properties.</summary>
    public DatabaseOptions Options { get; }

    /// <summary>The <c>max_connections</c> in force.</summary>
    public int MaxConnections { get; private set; }

    /// <summary>A value set with ALTER SYSTEM that waits for a restart, if any.</summary>
    public int? PendingMaxConnections { get; private set; }

    /// <summary>Physical connections the applications hold now.</summary>
    public double OpenConnections { get; private set; }

    /// <summary>Sessions executing a query now (smoothed), the load that stretches query times.</summary>
    public double ExecutingSessions { get; private set; }

    /// <summary>Restarts so far; pods drop their connections when it changes.</summary>
    public int Epoch { get; private set; }

    /// <summary>Time the server comes back after a restart (seconds); it refuses connections until then.</summary>
    public double DownUntil { get; private set; } = double.NegativeInfinity;

    /// <summary>True while the server is restarting.</summary>
    public bool IsDown(double now) => now < DownUntil;

    /// <summary>How many times longer than its idle CPU a query takes at the current load.</summary>
    public double Stretch { get; private set; } = 1;

    /// <summary>CPU demand of the queries / cores (smoothed), the load that makes queries queue for CPU.</summary>
    public double Utilization { get; private set; }

    /// <summary>
    /// How much longer than its idle CPU a query takes with <paramref name="executing"/> sessions in the server, CPU
    /// demand <paramref name="utilization"/> and <paramref name="connections"/> open: queueing for the cores (random
    /// below saturation, but never more sessions than connections; processor sharing past it), times the contention
    /// that grows with every session past the cores.
    /// </summary>
    public static double StretchAt(DatabaseOptions options, double executing, double utilization, double connections)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cores = options.Cores;
        var random = Math.Min(1 + Queueing.WaitFactor(utilization, cores), Math.Max(1, connections / cores));
        var queueing = Math.Max(random, executing / cores);
        return queueing * (1 + (options.Degradation * Math.Max(0, executing - cores)));
    }

    /// <summary>Connection slots the applications may still open.</summary>
    public double FreeSlots => Math.Max(0, MaxConnections - Options.SuperuserReserved - Options.OtherConnections - OpenConnections);

    /// <summary>Opens up to <paramref name="wanted"/> connections; returns how many the server accepted.</summary>
    public double TryOpen(double wanted, double now)
    {
        if (wanted <= 0 || IsDown(now))
        {
            return 0;
        }

        var granted = Math.Min(wanted, Math.Floor(FreeSlots + 1e-9));
        OpenConnections += granted;
        return granted;
    }

    /// <summary>Returns <paramref name="count"/> connections closed by a pod.</summary>
    public void Close(double count) => OpenConnections = Math.Max(0, OpenConnections - count);

    /// <summary>Adds a pod's executing sessions and query CPU demand (cores) for this tick (the load the next tick sees).</summary>
    public void AddExecuting(double sessions, double cpuCores)
    {
        _executingNext += sessions;
        _cpuNext += cpuCores;
    }

    /// <summary>Ends a tick: the executing load moves towards what the pods reported.</summary>
    public void EndTick()
    {
        ExecutingSessions += 0.5 * (_executingNext - ExecutingSessions);
        Utilization += 0.5 * ((_cpuNext / Options.Cores) - Utilization);
        _executingNext = 0;
        _cpuNext = 0;
        Stretch = StretchAt(Options, ExecutingSessions, Utilization, OpenConnections);
    }

    /// <summary>
    /// ALTER SYSTEM SET max_connections; with <paramref name="restart"/> the server restarts now (down for
    /// <see cref="DatabaseOptions.RestartSeconds"/>, every connection dropped), else the value waits as pending.
    /// </summary>
    public void SetMaxConnections(int value, bool restart, double now)
    {
        PendingMaxConnections = value == MaxConnections ? null : value;
        if (restart && PendingMaxConnections is { } pending)
        {
            MaxConnections = pending;
            PendingMaxConnections = null;
            DownUntil = now + Options.RestartSeconds;
            OpenConnections = 0;
            ExecutingSessions = 0;
            Utilization = 0;
            Stretch = 1;
            Epoch++;
        }
    }
}
