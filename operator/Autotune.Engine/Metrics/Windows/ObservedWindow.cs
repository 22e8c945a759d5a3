
namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// What one metrics window showed, aggregated over the target's pods. Produced from successive scrapes
/// (counters and histograms from the first and last scrape, gauges from every scrape); the input of diagnosis.
/// Latencies in milliseconds; NaN where a value could not be computed (no requests, no series).
/// </summary>
public sealed record ObservedWindow
{
    /// <summary>Start of the window (first scrape).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>End of the window (last scrape).</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>
    /// Scrape rounds in the window: the most scrapes (answered or timed out) any pod had. A pod that appeared or
    /// vanished mid-window has fewer and does not lower it; see <see cref="IsSufficient"/>.
    /// </summary>
    public required int Scrapes { get; init; }

    /// <summary>Pods that reported in the window.</summary>
    public required int Pods { get; init; }

    /// <summary>Pods expected (ready) but not scraped at all.</summary>
    public int MissingPods { get; init; }

    /// <summary>Requests per second completed.</summary>
    public double Rps { get; init; }

    /// <summary>Share of requests that ended 5xx, 0..1.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Median server latency.</summary>
    public double P50Ms { get; init; } = double.NaN;

    /// <summary>99th percentile server latency (histogram_quantile over bucket deltas).</summary>
    public double P99Ms { get; init; } = double.NaN;

    /// <summary>Share of requests at or under the latency objective, 0..1.</summary>
    public double ShareUnderObjective { get; init; } = double.NaN;

    /// <summary>99th percentile wait for a pooled connection.</summary>
    public double PoolWaitP99Ms { get; init; } = double.NaN;

    /// <summary>Mean time a connection is held per use.</summary>
    public double ConnectionHoldMeanMs { get; init; } = double.NaN;

    /// <summary>Connection uses per second (for Little's-law pool sizing).</summary>
    public double ConnectionUsesPerSecond { get; init; }

    /// <summary>Mean, over scrapes, of requests waiting for a pooled connection (per pod).</summary>
    public double PendingRequestsMean { get; init; }

    /// <summary>Mean over scrapes of used / max pool connections (per pod), 0..1.</summary>
    public double PoolUsage { get; init; } = double.NaN;

    /// <summary>
    /// Most pooled connections in use at any scrape of the window, on the busiest pod (the pool is per pod); NaN when
    /// no pod reports its pool.
    /// </summary>
    public double PoolInUseMax { get; init; } = double.NaN;

    /// <summary>Pool timeouts in the window (all pods).</summary>
    public double PoolTimeouts { get; init; }

    /// <summary>Connection-open failures in the window by SQLSTATE (all pods).</summary>
    public IReadOnlyDictionary<string, double> OpenFailures { get; init; } = new Dictionary<string, double>();

    /// <summary>Physical connections open at the last scrape, summed over pods.</summary>
    public double PhysicalConnections { get; init; }

    /// <summary>Mean thread-pool queue length per pod over the scrapes.</summary>
    public double QueueDepthMean { get; init; }

    /// <summary>Longest thread-pool queue per pod seen at any scrape (the per-pod maxima, averaged over pods).</summary>
    /// <remarks>Bursts drain between scrapes; the mean hides them, the maximum does not.</remarks>
    public double QueueDepthMax { get; init; }

    /// <summary>Change of the per-pod queue length per second over the window (least squares).</summary>
    public double QueueDepthSlopePerSecond { get; init; }

    /// <summary>Thread-pool threads per pod at the first scrape.</summary>
    public double ThreadsFirst { get; init; }

    /// <summary>Thread-pool threads per pod at the last scrape.</summary>
    public double ThreadsLast { get; init; }

    /// <summary>CPU used / CPU available (limit, request or processors), 0..1, mean over pods.</summary>
    public double CpuUtilization { get; init; } = double.NaN;

    /// <summary>Thread-pool work items completed per second per pod (mean over pods); NaN when no pod exports the counter.</summary>
    public double WorkItemsPerSecond { get; init; } = double.NaN;

    /// <summary>
    /// Share of the machine's CPU time idle (idle and iowait) over the window, mean over pods, 0..1; NaN when no pod
    /// exports <c>system_cpu_time_seconds_total</c>. The process's utilisation says nothing of the other processes.
    /// </summary>
    public double MachineCpuIdleShare { get; init; } = double.NaN;

    /// <summary>Share of the machine's CPU time stolen by the hypervisor, mean over pods, 0..1; NaN when not exported.</summary>
    public double CpuStealShare { get; init; } = double.NaN;

    /// <summary>Share of the cgroup's CFS periods that were throttled, mean over pods, 0..1; NaN when not exported.</summary>
    public double CgroupThrottledShare { get; init; } = double.NaN;

    /// <summary>Seconds per second the cgroup's tasks were held back by its quota, mean over pods; NaN when not exported.</summary>
    public double CgroupThrottledSecondsPerSecond { get; init; } = double.NaN;

    /// <summary>The cgroup's CPU used over its limit, mean over pods with a limit, 0..1; NaN without a limit or the series.</summary>
    public double CgroupCpuUtilization { get; init; } = double.NaN;

    /// <summary>The agent's measured thread-pool queue delay, mean over scrapes, mean over pods, ms; NaN when not exported.</summary>
    public double QueueDelayMeanMs { get; init; } = double.NaN;

    /// <summary>The longest measured thread-pool queue delay per pod at any scrape (per-pod maxima averaged over pods), ms; NaN when not exported.</summary>
    public double QueueDelayMaxMs { get; init; } = double.NaN;

    /// <summary>Slowest scrape in the window, milliseconds (a slow scrape of a live process is evidence of starvation).</summary>
    public double ScrapeLatencyMaxMs { get; init; }

    /// <summary>Lowest tuning generation any pod reports applied (0 when a pod has applied none).</summary>
    public long AppliedGenerationMin { get; init; }

    /// <summary>True when every pod reports the same applied generation.</summary>
    public bool GenerationsAgree { get; init; } = true;

    /// <summary>Minimum threads pods report applied (null when no agent reports it).</summary>
    public int? AppliedMinThreads { get; init; }

    /// <summary>Pool size pods report applied (null when no agent reports it).</summary>
    public int? AppliedPoolSize { get; init; }

    /// <summary>Pods whose agent holds a live pool swap to max(old, new) connections (<c>autotune_tuning_db_pool_swap_bounded</c>).</summary>
    public int BoundedSwapPods { get; init; }

    /// <summary>True when every pod expected reported and each bounds its pool swap: only then is a swap counted at max(old, new).</summary>
    public bool EveryPodBoundsSwap => Pods > 0 && MissingPods == 0 && BoundedSwapPods >= Pods;

    /// <summary>Requests completed in the window.</summary>
    public double Requests { get; init; }

    /// <summary>Length of the window.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>
    /// False when the window holds too little to judge (fewer scrape rounds than required, or no pod answered two
    /// scrapes): nothing may be acted on, and <see cref="InsufficientReason"/> says why.
    /// </summary>
    public bool IsSufficient { get; init; } = true;

    /// <summary>Why the window is insufficient, with the numbers; null when it is sufficient.</summary>
    public string? InsufficientReason { get; init; }

    /// <summary>Scrapes that timed out from a pod that exists: a live process too starved to answer, never 'no data'.</summary>
    public int TimedOutScrapes { get; init; }

    /// <summary>Scrapes that got no answer at all (connection refused, reset).</summary>
    public int FailedScrapes { get; init; }

    /// <summary>Pods that answered fewer than two scrapes: counted in <see cref="Pods"/>, but without deltas.</summary>
    public int PodsWithoutDeltas { get; init; }

    /// <summary>Counter series that fell in the window (a restarted process), across pods.</summary>
    public int CounterResets { get; init; }

    /// <summary>Mean thread-pool threads per pod over the scrapes.</summary>
    public double ThreadsMean { get; init; } = double.NaN;

    /// <summary>Most thread-pool threads per pod seen at any scrape (per-pod maxima averaged over pods); NaN when unknown.</summary>
    public double ThreadsMax { get; init; } = double.NaN;

    /// <summary>Most requests in progress per pod seen at any scrape (per-pod maxima averaged over pods); NaN when unknown.</summary>
    public double ActiveRequestsMax { get; init; } = double.NaN;

    /// <summary>Mean requests in progress per pod over the scrapes.</summary>
    public double ActiveRequestsMean { get; init; } = double.NaN;

    /// <summary>How fast requests in progress grew per pod, per second (mean over pods); NaN when not exported.</summary>
    public double ActiveRequestsSlopePerSecond { get; init; } = double.NaN;

    /// <summary>
    /// Requests that arrived per second: completions plus the growth of requests in flight (a service that falls behind
    /// completes less than arrives). The offered load, where <see cref="Rps"/> is what was served.
    /// </summary>
    public double ArrivalRps => Rps + (double.IsFinite(ActiveRequestsSlopePerSecond) ? Math.Max(0, ActiveRequestsSlopePerSecond) * Pods : 0);

    /// <summary>Requests in flight across the pods (mean per pod x pods): the load's concurrency; NaN when not exported.</summary>
    public double InFlight => ActiveRequestsMean * Pods;

    /// <summary>Mean connections queued in Kestrel per pod (accepted, not yet started).</summary>
    public double KestrelQueuedMean { get; init; } = double.NaN;

    /// <summary>Unreadable lines across the window's scrapes.</summary>
    public int ParseErrors { get; init; }

    /// <summary>Each pod's own numbers, ordered by pod name.</summary>
    public IReadOnlyList<PodObservation> PerPod { get; init; } = [];
}
