using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>The headline numbers of the last metrics window, as status shows them. Absent: not measured.</summary>
public sealed record ObservedStatus
{
    /// <summary>End of the window the numbers come from.</summary>
    public DateTimeOffset? WindowEnd { get; init; }

    /// <summary>Pods that reported in the window.</summary>
    [Range(0, int.MaxValue)]
    public int? Pods { get; init; }

    /// <summary>Requests per second completed.</summary>
    [Range(0d, double.MaxValue)]
    public double? Rps { get; init; }

    /// <summary>99th percentile server latency, milliseconds.</summary>
    [Range(0d, double.MaxValue)]
    public double? P99Ms { get; init; }

    /// <summary>Share of requests at or under the latency objective, 0 to 1.</summary>
    [Range(0d, 1d)]
    public double? ShareUnderObjective { get; init; }

    /// <summary>Share of requests that ended 5xx, 0 to 1.</summary>
    [Range(0d, 1d)]
    public double? ErrorRate { get; init; }

    /// <summary>99th percentile wait for a pooled connection, milliseconds.</summary>
    [Range(0d, double.MaxValue)]
    public double? PoolWaitP99Ms { get; init; }

    /// <summary>Mean thread-pool queue length per pod.</summary>
    [Range(0d, double.MaxValue)]
    public double? QueueDepth { get; init; }

    /// <summary>CPU used over CPU available, 0 to 1 (above 1 when a pod bursts past its request).</summary>
    [Range(0d, double.MaxValue)]
    public double? CpuUtilization { get; init; }

    /// <summary>Physical database connections the target's pods hold.</summary>
    [Range(0, int.MaxValue)]
    public int? DbConnections { get; init; }
}
