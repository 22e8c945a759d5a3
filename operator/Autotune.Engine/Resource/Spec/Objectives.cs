using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>Objectives. Latency is judged on P99 and on the share of requests at or under it.</summary>
public sealed record Objectives
{
    /// <summary>P99 server latency objective in milliseconds.</summary>
    [Range(0d, 600_000d, MinimumIsExclusive = true)]
    public double P99LatencyMs { get; init; } = 250;

    /// <summary>Largest acceptable P99 wait for a pooled connection, in milliseconds.</summary>
    [Range(0d, 600_000d, MinimumIsExclusive = true)]
    public double MaxPoolWaitMs { get; init; } = 20;

    /// <summary>Largest acceptable thread-pool queue length per pod.</summary>
    [Range(0d, 1_000_000d, MinimumIsExclusive = true)]
    public double MaxQueueDepth { get; init; } = 20;
}
