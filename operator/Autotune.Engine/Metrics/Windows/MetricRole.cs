using Autotune.Contracts;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>What a series of the agent-operator contract is used for in a window.</summary>
internal enum MetricRole
{
    None,

    // Counters (read as increases between scrapes).
    RequestBucket,
    RequestCount,
    WaitBucket,
    UseSum,
    UseCount,
    PoolTimeouts,
    OpenFailures,
    WorkItems,
    SystemCpuTime,
    CgroupCpuTime,
    CgroupPeriods,
    CgroupThrottledPeriods,
    CgroupThrottledTime,
    CpuTime,

    // Gauges (read at every scrape).
    QueueLength,
    Threads,
    PendingRequests,
    PoolConnections,
    PoolMax,
    PhysicalConnections,
    ActiveRequests,
    KestrelQueued,
    CpuCount,
    AppliedGeneration,
    AppliedMinThreads,
    AppliedPoolSize,
    BoundedPoolSwap,
    QueueDelay,
    CgroupCpuLimit,
}

/// <summary>Maps a series name to its role, and says which roles are counters.</summary>
internal static class MetricRoles
{
    private static readonly Dictionary<string, MetricRole> ByName = new(StringComparer.Ordinal)
    {
        [MetricNames.RequestDuration.Bucket] = MetricRole.RequestBucket,
        [MetricNames.RequestDuration.Count] = MetricRole.RequestCount,
        [MetricNames.PoolWaitTime.Bucket] = MetricRole.WaitBucket,
        [MetricNames.PoolUseTime.Sum] = MetricRole.UseSum,
        [MetricNames.PoolUseTime.Count] = MetricRole.UseCount,
        [MetricNames.PoolTimeouts.Prometheus] = MetricRole.PoolTimeouts,
        [MetricNames.ConnectionOpenFailures.Prometheus] = MetricRole.OpenFailures,
        [MetricNames.ThreadPoolWorkItems.Prometheus] = MetricRole.WorkItems,
        [MetricNames.ProcessCpuTime.Prometheus] = MetricRole.CpuTime,
        [MetricNames.SystemCpuTime.Prometheus] = MetricRole.SystemCpuTime,
        [MetricNames.CgroupCpuTime.Prometheus] = MetricRole.CgroupCpuTime,
        [MetricNames.CgroupCpuPeriods.Prometheus] = MetricRole.CgroupPeriods,
        [MetricNames.CgroupCpuThrottledPeriods.Prometheus] = MetricRole.CgroupThrottledPeriods,
        [MetricNames.CgroupCpuThrottledTime.Prometheus] = MetricRole.CgroupThrottledTime,
        [MetricNames.ThreadPoolQueueLength.Prometheus] = MetricRole.QueueLength,
        [MetricNames.ThreadPoolThreadCount.Prometheus] = MetricRole.Threads,
        [MetricNames.PoolPendingRequests.Prometheus] = MetricRole.PendingRequests,
        [MetricNames.PoolConnectionCount.Prometheus] = MetricRole.PoolConnections,
        [MetricNames.PoolConnectionMax.Prometheus] = MetricRole.PoolMax,
        [MetricNames.PhysicalConnections.Prometheus] = MetricRole.PhysicalConnections,
        [MetricNames.ActiveRequests.Prometheus] = MetricRole.ActiveRequests,
        [MetricNames.KestrelQueuedConnections.Prometheus] = MetricRole.KestrelQueued,
        [MetricNames.ProcessCpuCount.Prometheus] = MetricRole.CpuCount,
        [MetricNames.AppliedGeneration.Prometheus] = MetricRole.AppliedGeneration,
        [MetricNames.AppliedMinThreads.Prometheus] = MetricRole.AppliedMinThreads,
        [MetricNames.AppliedPoolSize.Prometheus] = MetricRole.AppliedPoolSize,
        [MetricNames.BoundedPoolSwap.Prometheus] = MetricRole.BoundedPoolSwap,
        [MetricNames.ThreadPoolQueueDelay.Prometheus] = MetricRole.QueueDelay,
        [MetricNames.CgroupCpuLimit.Prometheus] = MetricRole.CgroupCpuLimit,
    };

    private static readonly Dictionary<string, MetricRole>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The series names a window reads (for PromQL selectors).</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static MetricRole Of(string seriesName) => ByName.GetValueOrDefault(seriesName);

    /// <summary>True when a window reads the series of this name (a <see cref="Exposition.MetricNameFilter"/>).</summary>
    public static bool IsRead(ReadOnlySpan<char> seriesName) => ByNameSpan.ContainsKey(seriesName);

    /// <summary>The role of a series, remembered on the (interned) series so each is looked up once.</summary>
    public static MetricRole Of(Exposition.Series series)
    {
        if (series.RoleCache < 0)
        {
            series.RoleCache = (int)Of(series.Name);
        }

        return (MetricRole)series.RoleCache;
    }

    public static bool IsCounter(MetricRole role) => role is > MetricRole.None and <= MetricRole.CpuTime;
}
