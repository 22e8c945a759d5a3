
namespace Autotune.Engine.Resource.Spec;

/// <summary>What limits the service now, as named in status.</summary>
public enum Bottleneck
{
    /// <summary>Nothing limits it; the objective is met.</summary>
    None,

    /// <summary>Work queues for threads while CPU is idle.</summary>
    ThreadStarvation,

    /// <summary>Requests wait for a pooled connection and the pool is full.</summary>
    PoolExhaustion,

    /// <summary>More connections make each query slower; the database is the limit.</summary>
    DatabaseSaturated,

    /// <summary>The pods' CPU is the limit.</summary>
    CpuSaturated,

    /// <summary>Comfortably under the objective with capacity to give back.</summary>
    OverProvisioned,

    /// <summary>Not enough evidence to name one (no, stale or too little data).</summary>
    Unknown,
}
