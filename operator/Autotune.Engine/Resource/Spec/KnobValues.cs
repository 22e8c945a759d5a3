using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>A value per knob, as status shows them (current or recommended). Absent: unknown or not managed.</summary>
public sealed record KnobValues
{
    /// <summary>Replicas of the target.</summary>
    [Range(0, int.MaxValue)]
    public int? Replicas { get; init; }

    /// <summary>Thread-pool minimum worker threads per pod.</summary>
    [Range(0, int.MaxValue)]
    public int? ThreadPoolMinThreads { get; init; }

    /// <summary>Npgsql Maximum Pool Size per pod.</summary>
    [Range(0, int.MaxValue)]
    public int? DbMaxPoolSize { get; init; }

    /// <summary>PostgreSQL max_connections.</summary>
    [Range(0, int.MaxValue)]
    public int? PostgresMaxConnections { get; init; }
}
