
namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// What one pod showed in a window: the per-pod detail behind <see cref="ObservedWindow"/>. Latencies in
/// milliseconds; NaN where a value could not be computed.
/// </summary>
public sealed record PodObservation
{
    /// <summary>The pod.</summary>
    public required string Pod { get; init; }

    /// <summary>Scrapes the pod answered.</summary>
    public int Scrapes { get; init; }

    /// <summary>Scrapes that timed out: the process was there but too slow to answer (evidence of starvation).</summary>
    public int TimedOutScrapes { get; init; }

    /// <summary>Scrapes that got no answer at all.</summary>
    public int FailedScrapes { get; init; }

    /// <summary>True when the pod answered at least two scrapes, so its counters and histograms gave deltas.</summary>
    public bool HasDeltas { get; init; }

    /// <summary>Counter series that fell during the window (the process restarted), counted per series.</summary>
    public int CounterResets { get; init; }

    /// <summary>Requests the pod completed between its first and last answered scrape.</summary>
    public double Requests { get; init; }

    /// <summary>Share of those requests that ended 5xx.</summary>
    public double ErrorRate { get; init; } = double.NaN;

    /// <summary>The pod's own P99 latency.</summary>
    public double P99Ms { get; init; } = double.NaN;

    /// <summary>Mean thread-pool queue length over the pod's scrapes.</summary>
    public double QueueDepthMean { get; init; } = double.NaN;

    /// <summary>Longest thread-pool queue seen at any of the pod's scrapes.</summary>
    public double QueueDepthMax { get; init; } = double.NaN;

    /// <summary>Least-squares change of the queue length per second.</summary>
    public double QueueDepthSlopePerSecond { get; init; } = double.NaN;

    /// <summary>Thread-pool threads at the pod's first answered scrape.</summary>
    public double ThreadsFirst { get; init; } = double.NaN;

    /// <summary>Thread-pool threads at the pod's last answered scrape.</summary>
    public double ThreadsLast { get; init; } = double.NaN;

    /// <summary>Mean thread-pool threads over the pod's scrapes.</summary>
    public double ThreadsMean { get; init; } = double.NaN;

    /// <summary>Most thread-pool threads seen at any of the pod's scrapes.</summary>
    public double ThreadsMax { get; init; } = double.NaN;

    /// <summary>Mean requests waiting for a pooled connection.</summary>
    public double PendingRequestsMean { get; init; } = double.NaN;

    /// <summary>Mean over scrapes of used / max pooled connections (summed over pool generations), 0..1.</summary>
    public double PoolUsage { get; init; } = double.NaN;

    /// <summary>Most pooled connections in use at any of the pod's scrapes (summed over pool generations).</summary>
    public double PoolInUseMax { get; init; } = double.NaN;

    /// <summary>Physical connections open at the last answered scrape.</summary>
    public double PhysicalConnections { get; init; } = double.NaN;

    /// <summary>Mean requests in progress over the pod's scrapes.</summary>
    public double ActiveRequestsMean { get; init; } = double.NaN;

    /// <summary>How fast requests in progress grew over the window, per second (least squares; NaN when not exported).</summary>
    public double ActiveRequestsSlopePerSecond { get; init; } = double.NaN;

    /// <summary>Most requests in progress seen at any of the pod's scrapes.</summary>
    public double ActiveRequestsMax { get; init; } = double.NaN;

    /// <summary>Mean connections queued in Kestrel, not yet started (time no request histogram sees).</summary>
    public double KestrelQueuedMean { get; init; } = double.NaN;

    /// <summary>CPU seconds used / (seconds x available cores), 0..1.</summary>
    public double CpuUtilization { get; init; } = double.NaN;

    /// <summary>Thread-pool work items the pod completed per second; NaN when it does not export the counter.</summary>
    public double WorkItemsPerSecond { get; init; } = double.NaN;

    /// <summary>The cores the utilisation was computed against.</summary>
    public double CpuCores { get; init; } = double.NaN;

    /// <summary>
    /// Share of the machine's CPU time that was idle (idle and iowait, from <c>system_cpu_time_seconds_total</c>) over
    /// the window, 0..1; NaN when the agent does not export it. Room the process's own CPU time cannot show: a process
    /// at 30% of its cores on a machine others keep busy has no CPU to give more threads.
    /// </summary>
    public double MachineCpuIdleShare { get; init; } = double.NaN;

    /// <summary>Share of the machine's CPU time the hypervisor gave to other guests (steal), 0..1; NaN when not exported.</summary>
    public double CpuStealShare { get; init; } = double.NaN;

    /// <summary>
    /// Share of the cgroup's CFS periods in which it ran out of quota (throttled periods / periods), 0..1; 0 when the
    /// cgroup has no quota; NaN when not exported.
    /// </summary>
    public double CgroupThrottledShare { get; init; } = double.NaN;

    /// <summary>Seconds the cgroup's tasks were held back by its quota, per second of the window; NaN when not exported.</summary>
    public double CgroupThrottledSecondsPerSecond { get; init; } = double.NaN;

    /// <summary>The cgroup's CPU limit in cores (0: none) at the last answered scrape; NaN when not exported.</summary>
    public double CgroupCpuLimit { get; init; } = double.NaN;

    /// <summary>The cgroup's CPU seconds / (seconds x its limit), 0..1; NaN without a limit or the series.</summary>
    public double CgroupCpuUtilization { get; init; } = double.NaN;

    /// <summary>Mean over the pod's scrapes of the agent's measured thread-pool queue delay, ms; NaN when not exported.</summary>
    public double QueueDelayMeanMs { get; init; } = double.NaN;

    /// <summary>Longest thread-pool queue delay the agent reported at any of the pod's scrapes, ms; NaN when not exported.</summary>
    public double QueueDelayMaxMs { get; init; } = double.NaN;

    /// <summary>Slowest scrape of the pod, answered or timed out.</summary>
    public double ScrapeLatencyMaxMs { get; init; }

    /// <summary>Tuning generation the pod reports applied at its last answered scrape (null: no agent gauge).</summary>
    public long? AppliedGeneration { get; init; }

    /// <summary>Minimum threads the pod reports applied.</summary>
    public int? AppliedMinThreads { get; init; }

    /// <summary>Pool size the pod reports applied.</summary>
    public int? AppliedPoolSize { get; init; }

    /// <summary>True when the pod's agent holds a live pool swap to max(old, new) connections.</summary>
    public bool BoundedPoolSwap { get; init; }
}
