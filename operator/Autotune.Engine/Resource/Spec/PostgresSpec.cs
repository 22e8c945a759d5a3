using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>The PostgreSQL server the API uses, and how the operator may change it.</summary>
public sealed record PostgresSpec
{
    /// <summary>Secret key holding an admin connection string (pg_monitor + ALTER SYSTEM on max_connections).</summary>
    public SecretKeyRef? AdminSecretRef { get; init; }

    /// <summary>The workload that runs the server, restarted when max_connections changes.</summary>
    public WorkloadRef? WorkloadRef { get; init; }

    /// <summary>Connections kept free for other clients, on top of superuser_reserved_connections and the admin connection.</summary>
    [Range(0, 10_000)]
    public int ReservedConnections { get; init; } = 10;

    /// <summary>When a max_connections change may restart the server.</summary>
    public RestartPolicy Restart { get; init; } = RestartPolicy.Never;

    /// <summary>The window a restart may happen in, when Restart is Window.</summary>
    public MaintenanceWindow? MaintenanceWindow { get; init; }

    /// <summary>A connection pooler in front of the server, whose client limit the APIs' pools share.</summary>
    public PoolerSpec? Pooler { get; init; }

    /// <summary>The DatabaseBudget that shares this server's connections among the APIs on it; none: this API is not arbitrated.</summary>
    public BudgetRef? BudgetRef { get; init; }
}

/// <summary>When the database may be restarted.</summary>
public enum RestartPolicy
{
    /// <summary>Never restart; report PendingRestart.</summary>
    Never,

    /// <summary>Restart at once.</summary>
    Immediate,

    /// <summary>Restart only inside the maintenance window.</summary>
    Window,
}
