
namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// Builds an <see cref="ObservedWindow"/> from successive scrapes of a target's pods: counters and histograms as
/// increases between a pod's answered scrapes (resets counted from 0), gauges from every answered scrape, aggregated
/// over pods. Pure: times come with the scrapes.
/// </summary>
public static class WindowBuilder
{
    /// <summary>Builds the window the scrapes cover (in any order, any number of pods).</summary>
    public static ObservedWindow Build(IEnumerable<Scrape> scrapes, WindowOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scrapes);
        options ??= new WindowOptions();
        var byPod = scrapes
            .GroupBy(s => s.Pod, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Pod: g.Key, Scrapes: g.OrderBy(s => s.Time).ToList()))
            .ToList();
        var all = byPod.SelectMany(p => p.Scrapes).ToList();
        var answered = all.Where(s => s.Outcome == ScrapeOutcome.Succeeded).ToList();
        var timed = answered.Count > 0 ? answered : all;
        var start = timed.Count > 0 ? timed.Min(s => s.Time) : default;
        var end = timed.Count > 0 ? timed.Max(s => s.Time) : default;

        var pods = new List<PodObservation>();
        var totals = new PodIncreases();
        foreach (var (pod, podScrapes) in byPod)
        {
            var (observation, increases) = PodWindowReader.Read(pod, podScrapes, start, options);
            pods.Add(observation);
            if (increases is not null)
            {
                Accumulate(totals, increases);
            }
        }

        var reported = pods.Where(p => p.Scrapes + p.TimedOutScrapes > 0).ToList();
        var seconds = (end - start).TotalSeconds;
        var rounds = reported.Count == 0 ? 0 : reported.Max(p => p.Scrapes + p.TimedOutScrapes);
        var generations = reported.Where(p => p.Scrapes > 0).Select(p => p.AppliedGeneration ?? 0).ToList();
        var objectiveMs = options.LatencyObjectiveMs;

        return new ObservedWindow
        {
            Start = start,
            End = end,
            Scrapes = rounds,
            Pods = reported.Count,
            MissingPods = options.ExpectedPods.Count(e => !reported.Exists(p => p.Pod == e)),
            Requests = totals.Requests,
            Rps = seconds > 0 ? totals.Requests / seconds : 0,
            ErrorRate = totals.Requests > 0 ? totals.ServerErrors / totals.Requests : 0,
            P50Ms = 1000 * PodWindowReader.Quantile(0.5, totals.RequestBuckets),
            P99Ms = 1000 * PodWindowReader.Quantile(0.99, totals.RequestBuckets),
            ShareUnderObjective = double.IsNaN(objectiveMs)
                ? double.NaN
                : PodWindowReader.ShareAtOrUnder(objectiveMs / 1000, totals.RequestBuckets),
            PoolWaitP99Ms = 1000 * PodWindowReader.Quantile(0.99, totals.WaitBuckets),
            ConnectionHoldMeanMs = totals.Uses > 0 ? 1000 * totals.UseSeconds / totals.Uses : double.NaN,
            ConnectionUsesPerSecond = seconds > 0 ? totals.Uses / seconds : 0,
            PoolTimeouts = totals.PoolTimeouts,
            OpenFailures = totals.OpenFailures,
            PendingRequestsMean = MeanOver(pods, p => p.PendingRequestsMean, 0),
            PoolUsage = MeanOver(pods, p => p.PoolUsage, double.NaN),
            PoolInUseMax = pods.Select(p => p.PoolInUseMax).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max(),
            PhysicalConnections = pods.Select(p => p.PhysicalConnections).Where(double.IsFinite).Sum(),
            QueueDepthMean = MeanOver(pods, p => p.QueueDepthMean, 0),
            QueueDepthSlopePerSecond = MeanOver(pods, p => p.QueueDepthSlopePerSecond, 0),
            QueueDepthMax = MeanOver(pods, p => p.QueueDepthMax, 0),
            ThreadsFirst = MeanOver(pods, p => p.ThreadsFirst, 0),
            ThreadsLast = MeanOver(pods, p => p.ThreadsLast, 0),
            ThreadsMean = MeanOver(pods, p => p.ThreadsMean, double.NaN),
            ThreadsMax = MeanOver(pods, p => p.ThreadsMax, double.NaN),
            ActiveRequestsMean = MeanOver(pods, p => p.ActiveRequestsMean, double.NaN),
            ActiveRequestsSlopePerSecond = MeanOver(pods, p => p.ActiveRequestsSlopePerSecond, double.NaN),
            ActiveRequestsMax = MeanOver(pods, p => p.ActiveRequestsMax, double.NaN),
            KestrelQueuedMean = MeanOver(pods, p => p.KestrelQueuedMean, double.NaN),
            CpuUtilization = MeanOver(pods, p => p.CpuUtilization, double.NaN),
            WorkItemsPerSecond = MeanOver(pods, p => p.WorkItemsPerSecond, double.NaN),
            MachineCpuIdleShare = MeanOver(pods, p => p.MachineCpuIdleShare, double.NaN),
            CpuStealShare = MeanOver(pods, p => p.CpuStealShare, double.NaN),
            CgroupThrottledShare = MeanOver(pods, p => p.CgroupThrottledShare, double.NaN),
            CgroupThrottledSecondsPerSecond = MeanOver(pods, p => p.CgroupThrottledSecondsPerSecond, double.NaN),
            CgroupCpuUtilization = MeanOver(pods, p => p.CgroupCpuUtilization, double.NaN),
            QueueDelayMeanMs = MeanOver(pods, p => p.QueueDelayMeanMs, double.NaN),
            QueueDelayMaxMs = MeanOver(pods, p => p.QueueDelayMaxMs, double.NaN),
            ScrapeLatencyMaxMs = pods.Count == 0 ? 0 : pods.Max(p => p.ScrapeLatencyMaxMs),
            AppliedGenerationMin = generations.Count == 0 ? 0 : generations.Min(),
            GenerationsAgree = generations.Count > 0 && generations.TrueForAll(g => g == generations[0]),
            AppliedMinThreads = MinOver(pods, p => p.AppliedMinThreads),
            AppliedPoolSize = MinOver(pods, p => p.AppliedPoolSize),
            BoundedSwapPods = reported.Count(p => p.BoundedPoolSwap),
            TimedOutScrapes = pods.Sum(p => p.TimedOutScrapes),
            FailedScrapes = pods.Sum(p => p.FailedScrapes),
            PodsWithoutDeltas = reported.Count(p => !p.HasDeltas),
            CounterResets = totals.Resets,
            ParseErrors = all.Sum(s => s.ParseErrors),
            PerPod = pods,
            IsSufficient = InsufficientReason(rounds, pods, options) is null,
            InsufficientReason = InsufficientReason(rounds, pods, options),
        };
    }

    private static string? InsufficientReason(int rounds, List<PodObservation> pods, WindowOptions options)
    {
        if (rounds < options.MinScrapes)
        {
            return $"{rounds} scrape rounds in the window, {options.MinScrapes} needed";
        }

        if (!pods.Exists(p => p.HasDeltas))
        {
            var timedOut = pods.Sum(p => p.TimedOutScrapes);
            return $"no pod answered two scrapes ({pods.Count} pods, {timedOut} scrapes timed out)";
        }

        return null;
    }

    private static void Accumulate(PodIncreases totals, PodIncreases pod)
    {
        PodIncreases.AddTo(totals.RequestBuckets, pod.RequestBuckets);
        PodIncreases.AddTo(totals.WaitBuckets, pod.WaitBuckets);
        foreach (var (state, count) in pod.OpenFailures)
        {
            totals.OpenFailures[state] = totals.OpenFailures.GetValueOrDefault(state) + count;
        }

        totals.Requests += pod.Requests;
        totals.ServerErrors += pod.ServerErrors;
        totals.UseSeconds += pod.UseSeconds;
        totals.Uses += pod.Uses;
        totals.PoolTimeouts += pod.PoolTimeouts;
        totals.CpuSeconds += pod.CpuSeconds;
        totals.Resets += pod.Resets;
    }

    private static double MeanOver(List<PodObservation> pods, Func<PodObservation, double> value, double none)
    {
        double sum = 0;
        var count = 0;
        foreach (var pod in pods)
        {
            var v = value(pod);
            if (double.IsFinite(v))
            {
                sum += v;
                count++;
            }
        }

        return count == 0 ? none : sum / count;
    }

    private static int? MinOver(List<PodObservation> pods, Func<PodObservation, int?> value) =>
        pods.Select(value).Where(v => v.HasValue).Min();
}
