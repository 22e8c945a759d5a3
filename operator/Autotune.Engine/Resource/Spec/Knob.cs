
namespace Autotune.Engine.Resource.Spec;

/// <summary>The four settings the operator tunes.</summary>
public enum Knob
{
    /// <summary>Replicas of the target workload.</summary>
    Replicas,

    /// <summary>Thread-pool minimum worker threads per pod.</summary>
    ThreadPoolMinThreads,

    /// <summary>Npgsql Maximum Pool Size per pod.</summary>
    DbMaxPoolSize,

    /// <summary>PostgreSQL max_connections.</summary>
    PostgresMaxConnections,
}
