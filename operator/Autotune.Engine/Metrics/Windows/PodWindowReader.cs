using System.Runtime.InteropServices;
using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Histograms;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>Reads one pod's scrapes of a window: increases of its counters, its gauges at every scrape.</summary>
internal static class PodWindowReader
{
    /// <summary>The pod's observation, and its increases when it answered at least two scrapes.</summary>
    public static (PodObservation Observation, PodIncreases? Increases) Read(
        string pod, IEnumerable<Scrape> scrapesInTimeOrder, DateTimeOffset origin, WindowOptions options)
    {
        var counters = new Dictionary<Series, CounterIncrease>();
        var tracks = new Dictionary<MetricRole, GaugeTrack>();
        var gauges = new ScrapeGauges();
        var last = new ScrapeGauges();
        var usage = new GaugeTrack();
        var inUse = new GaugeTrack();
        int answered = 0, timedOut = 0, failed = 0;
        double latencyMax = 0, firstSeconds = 0, lastSeconds = 0;

        foreach (var scrape in scrapesInTimeOrder)
        {
            if (scrape.Outcome == ScrapeOutcome.Failed)
            {
                failed++;
                continue;
            }

            latencyMax = Math.Max(latencyMax, scrape.LatencyMs);
            if (scrape.Outcome == ScrapeOutcome.TimedOut)
            {
                timedOut++;
                continue;
            }

            var seconds = (scrape.Time - origin).TotalSeconds;
            firstSeconds = answered == 0 ? seconds : firstSeconds;
            lastSeconds = seconds;
            var bornInWindow = answered++ > 0;
            gauges.Reset();
            foreach (var sample in scrape.Samples)
            {
                var role = MetricRoles.Of(sample.Series);
                if (role == MetricRole.None)
                {
                    continue;
                }

                if (MetricRoles.IsCounter(role))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(counters, sample.Series, out _).Observe(sample.Value, bornInWindow);
                }
                else
                {
                    gauges.Add(role, sample);
                }
            }

            foreach (var role in GaugeRoles)
            {
                if (!tracks.TryGetValue(role, out var track))
                {
                    tracks[role] = track = new GaugeTrack();
                }

                track.Add(seconds, gauges[role]);
            }

            usage.Add(seconds, gauges.PoolUsage);
            inUse.Add(seconds, gauges.PoolInUse);
            (gauges, last) = (last, gauges);
        }

        var increases = answered >= 2 ? Sum(counters) : null;
        var span = lastSeconds - firstSeconds;
        var cgroupLimit = answered > 0 ? last[MetricRole.CgroupCpuLimit] : double.NaN;
        var queueDelay = tracks.GetValueOrDefault(MetricRole.QueueDelay);
        var cores = options.CoresByPod.TryGetValue(pod, out var given) ? given : answered > 0 ? last[MetricRole.CpuCount] : double.NaN;
        var observation = new PodObservation
        {
            Pod = pod,
            Scrapes = answered,
            TimedOutScrapes = timedOut,
            FailedScrapes = failed,
            HasDeltas = increases is not null,
            CounterResets = increases?.Resets ?? 0,
            Requests = increases?.Requests ?? 0,
            ErrorRate = increases is { Requests: > 0 } ? increases.ServerErrors / increases.Requests : double.NaN,
            P99Ms = increases is null ? double.NaN : 1000 * Quantile(0.99, increases.RequestBuckets),
            QueueDepthMean = tracks.GetValueOrDefault(MetricRole.QueueLength)?.Mean ?? double.NaN,
            QueueDepthMax = tracks.GetValueOrDefault(MetricRole.QueueLength)?.Max ?? double.NaN,
            QueueDepthSlopePerSecond = tracks.GetValueOrDefault(MetricRole.QueueLength)?.SlopePerSecond() ?? double.NaN,
            ThreadsFirst = tracks.GetValueOrDefault(MetricRole.Threads)?.First ?? double.NaN,
            ThreadsLast = tracks.GetValueOrDefault(MetricRole.Threads)?.Last ?? double.NaN,
            ThreadsMean = tracks.GetValueOrDefault(MetricRole.Threads)?.Mean ?? double.NaN,
            ThreadsMax = tracks.GetValueOrDefault(MetricRole.Threads)?.Max ?? double.NaN,
            PendingRequestsMean = tracks.GetValueOrDefault(MetricRole.PendingRequests)?.Mean ?? double.NaN,
            PoolUsage = usage.Mean,
            PoolInUseMax = inUse.Max,
            PhysicalConnections = tracks.GetValueOrDefault(MetricRole.PhysicalConnections)?.Last ?? double.NaN,
            ActiveRequestsMean = tracks.GetValueOrDefault(MetricRole.ActiveRequests)?.Mean ?? double.NaN,
            ActiveRequestsSlopePerSecond = tracks.GetValueOrDefault(MetricRole.ActiveRequests)?.SlopePerSecond() ?? double.NaN,
            ActiveRequestsMax = tracks.GetValueOrDefault(MetricRole.ActiveRequests)?.Max ?? double.NaN,
            KestrelQueuedMean = tracks.GetValueOrDefault(MetricRole.KestrelQueued)?.Mean ?? double.NaN,
            CpuCores = cores,
            CpuUtilization = increases is not null && span > 0 && cores > 0 ? increases.CpuSeconds / (span * cores) : double.NaN,
            WorkItemsPerSecond = increases is not null && span > 0 ? increases.WorkItems / span : double.NaN,
            MachineCpuIdleShare = increases is null ? double.NaN : MachineShare(increases.SystemCpu, MetricLabels.CpuModeIdle, MetricLabels.CpuModeIoWait),
            CpuStealShare = increases is null ? double.NaN : MachineShare(increases.SystemCpu, MetricLabels.CpuModeSteal),
            CgroupThrottledShare = increases is null ? double.NaN : ThrottledShare(increases),
            CgroupThrottledSecondsPerSecond = increases is not null && span > 0 ? increases.CgroupThrottledSeconds / span : double.NaN,
            CgroupCpuLimit = cgroupLimit,
            CgroupCpuUtilization = increases is not null && span > 0 && cgroupLimit > 0 ? increases.CgroupCpuSeconds / (span * cgroupLimit) : double.NaN,
            QueueDelayMeanMs = queueDelay is { Count: > 0 } ? queueDelay.Mean * 1000 : double.NaN,
            QueueDelayMaxMs = queueDelay is { Count: > 0 } ? queueDelay.Max * 1000 : double.NaN,
            ScrapeLatencyMaxMs = latencyMax,
            AppliedGeneration = answered > 0 ? AsLong(last[MetricRole.AppliedGeneration]) : null,
            AppliedMinThreads = answered > 0 ? AsInt(last[MetricRole.AppliedMinThreads]) : null,
            AppliedPoolSize = answered > 0 ? AsInt(last[MetricRole.AppliedPoolSize]) : null,
            BoundedPoolSwap = answered > 0 && last[MetricRole.BoundedPoolSwap] >= 1,
        };
        return (observation, increases);
    }

    /// <summary>The q-quantile in seconds of bucket increases keyed by upper bound.</summary>
    public static double Quantile(double q, Dictionary<double, double> buckets) =>
        HistogramQuantile.Quantile(q, ToArray(buckets));

    /// <summary>Share of observations at or under <paramref name="seconds"/>.</summary>
    public static double ShareAtOrUnder(double seconds, Dictionary<double, double> buckets) =>
        HistogramQuantile.ShareAtOrUnder(seconds, ToArray(buckets));

    private static readonly MetricRole[] GaugeRoles =
    [
        MetricRole.QueueLength, MetricRole.Threads, MetricRole.PendingRequests, MetricRole.PhysicalConnections,
        MetricRole.ActiveRequests, MetricRole.KestrelQueued, MetricRole.QueueDelay,
    ];

    private static PodIncreases Sum(Dictionary<Series, CounterIncrease> counters)
    {
        var sum = new PodIncreases();
        foreach (var (series, counter) in counters)
        {
            var increase = counter.Increase;
            sum.Resets += counter.Resets;
            switch (MetricRoles.Of(series))
            {
                case MetricRole.RequestBucket:
                    AddBucket(sum.RequestBuckets, series, increase);
                    break;
                case MetricRole.WaitBucket:
                    AddBucket(sum.WaitBuckets, series, increase);
                    break;
                case MetricRole.RequestCount:
                    sum.Requests += increase;
                    sum.ServerErrors += IsServerError(series.Get(MetricLabels.StatusCode)) ? increase : 0;
                    break;
                case MetricRole.UseSum:
                    sum.UseSeconds += increase;
                    break;
                case MetricRole.UseCount:
                    sum.Uses += increase;
                    break;
                case MetricRole.PoolTimeouts:
                    sum.PoolTimeouts += increase;
                    break;
                case MetricRole.OpenFailures:
                    var state = series.Get(MetricLabels.SqlState) is { Length: > 0 } code ? code : SqlStates.Other;
                    sum.OpenFailures[state] = sum.OpenFailures.GetValueOrDefault(state) + increase;
                    break;
                case MetricRole.CpuTime:
                    sum.CpuSeconds += increase;
                    break;
                case MetricRole.WorkItems:
                    sum.WorkItems = PodIncreases.Plus(sum.WorkItems, increase);
                    break;
                case MetricRole.SystemCpuTime:
                    // Labelled like the open failures: one series per mode, summed by mode (a mode the agent does not
                    // name is still CPU time, so it counts in the total).
                    var mode = series.Get(MetricLabels.CpuMode) ?? string.Empty;
                    sum.SystemCpu[mode] = sum.SystemCpu.GetValueOrDefault(mode) + increase;
                    break;
                case MetricRole.CgroupCpuTime:
                    sum.CgroupCpuSeconds = PodIncreases.Plus(sum.CgroupCpuSeconds, increase);
                    break;
                case MetricRole.CgroupPeriods:
                    sum.CgroupPeriods = PodIncreases.Plus(sum.CgroupPeriods, increase);
                    break;
                case MetricRole.CgroupThrottledPeriods:
                    sum.CgroupThrottledPeriods = PodIncreases.Plus(sum.CgroupThrottledPeriods, increase);
                    break;
                case MetricRole.CgroupThrottledTime:
                    sum.CgroupThrottledSeconds = PodIncreases.Plus(sum.CgroupThrottledSeconds, increase);
                    break;
                default:
                    break;
            }
        }

        return sum;
    }

    /// <summary>Share of the machine's CPU time spent in <paramref name="modes"/>; NaN when no mode was exported or none rose.</summary>
    private static double MachineShare(Dictionary<string, double> byMode, params ReadOnlySpan<string> modes)
    {
        var total = 0.0;
        foreach (var (_, seconds) in byMode)
        {
            total += seconds;
        }

        if (!(total > 0))
        {
            return double.NaN;
        }

        var share = 0.0;
        foreach (var mode in modes)
        {
            share += byMode.GetValueOrDefault(mode);
        }

        return share / total;
    }

    /// <summary>
    /// Throttled periods over periods with runnable tasks; 0 when the cgroup exports them and had no period (no quota
    /// is set, or nothing ran), NaN when it does not export them.
    /// </summary>
    private static double ThrottledShare(PodIncreases increases) =>
        double.IsNaN(increases.CgroupPeriods) || double.IsNaN(increases.CgroupThrottledPeriods) ? double.NaN
        : increases.CgroupPeriods > 0 ? Math.Min(1, increases.CgroupThrottledPeriods / increases.CgroupPeriods)
        : 0;

    private static void AddBucket(Dictionary<double, double> buckets, Series series, double increase)
    {
        // A bucket without a readable le is ignored, as histogram_quantile ignores it.
        if (series.Get(MetricLabels.Le) is { } le && PromFloat.TryParse(le, out var bound))
        {
            buckets[bound] = buckets.GetValueOrDefault(bound) + increase;
        }
    }

    private static bool IsServerError(string? statusCode) => statusCode is { Length: 3 } && statusCode[0] == '5';

    private static Bucket[] ToArray(Dictionary<double, double> buckets) =>
        buckets.Select(b => new Bucket(b.Key, b.Value)).ToArray();

    private static long? AsLong(double value) => double.IsFinite(value) ? (long)Math.Round(value) : null;

    private static int? AsInt(double value) => double.IsFinite(value) ? (int)Math.Round(value) : null;
}
