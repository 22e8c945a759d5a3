namespace Autotune.Simulation.Model;

/// <summary>One API deployment in a simulation: its traffic, per-request work, pods and starting settings.</summary>
public sealed record ApiOptions
{
    /// <summary>Deployment name.</summary>
    public string Name { get; init; } = "orders-api";

    /// <summary>Offered load.</summary>
    public required RateProfile Rate { get; init; }

    /// <summary>What a request costs.</summary>
    public WorkloadProfile Workload { get; init; } = new();

    /// <summary>How its pods behave.</summary>
    public PodOptions Pod { get; init; } = new();

    /// <summary>Replicas at the start.</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>Thread-pool minimum at the start (the runtime default is the core count).</summary>
    public int MinThreads { get; init; } = 2;

    /// <summary>Npgsql Maximum Pool Size at the start (Npgsql's default is 100).</summary>
    public int PoolSize { get; init; } = 100;

    /// <summary>Extra pods a rollout may create (maxSurge), counted in the connection budget.</summary>
    public int MaxSurge { get; init; } = 1;
}
