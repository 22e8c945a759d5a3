using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>Little's law sizing (concurrency = rate x time in service), with headroom, per pod.</summary>
internal static class LittleSizing
{
    /// <summary>
    /// Arrivals per pod per second: completions plus the growth of the work waiting (requests in flight, or the
    /// thread-pool queue when that grew faster): a starved pod completes less than arrives.
    /// </summary>
    public static double ArrivalsPerPod(ObservedWindow w) =>
        (w.Rps / Math.Max(1, w.Pods)) + Math.Max(0, Math.Max(w.QueueDepthSlopePerSecond, Finite(w.ActiveRequestsSlopePerSecond)));

    /// <summary>Time a request holds a thread, seconds: the median latency (P99 when the median is unknown).</summary>
    public static double ThreadSeconds(ObservedWindow w) =>
        (double.IsNaN(w.P50Ms) ? (double.IsNaN(w.P99Ms) ? 0 : w.P99Ms) : w.P50Ms) / 1000;

    /// <summary>
    /// Time a request needs a thread, seconds: the uncontended median this API has shown when it is shorter than the
    /// window's (a queue inflates the window's median with the time spent waiting), else the window's. A window whose
    /// responses failed or were shed is not read beside the baseline: a fast 503 pulls the median under any real
    /// request's time (measured in the demo: a median of 0.56 ms with 49% shed, against 53 ms uncontended, sized a
    /// collapse at 1 thread per pod).
    /// </summary>
    public static double ServiceSeconds(ObservedWindow w, ServiceBaseline? baseline) =>
        baseline is { ServiceMs: > 0 } b
            ? Math.Min(ThreadSeconds(w) is > 0 and var t && !(w.ErrorRate >= Thresholds.MedianSkewingErrors) ? t : double.MaxValue, b.ServiceMs / 1000)
            : ThreadSeconds(w);

    /// <summary>
    /// Requests in flight per pod at the busiest scrape: the requests in progress, or the busy threads plus the work
    /// queued for them when any was queued (every thread is busy while work queues). This is the demand itself; under
    /// starvation or overload completions collapse, and completions x latency alone under-sizes.
    /// </summary>
    public static double InFlightPerPod(ObservedWindow w)
    {
        var active = double.IsFinite(w.ActiveRequestsMax) ? w.ActiveRequestsMax : 0;
        var queue = Diagnosis.StarvationSignal.QueuePeak(w);
        var queued = queue > 0 ? Diagnosis.StarvationSignal.ThreadsPeak(w) + queue : 0;
        return Math.Max(active, queued);
    }

    /// <summary>
    /// Threads per pod, with headroom, for the larger of two readings of the demand: arrivals (completions plus the
    /// queue's growth) x the time a request holds a thread, and the requests seen in flight at the busiest scrape.
    /// </summary>
    public static int Threads(ObservedWindow w) =>
        Ceiling(Math.Max(ArrivalsPerPod(w) * ThreadSeconds(w), InFlightPerPod(w)) * Thresholds.Headroom);

    /// <summary>
    /// Threads per pod sized from demand when the API's uncontended service time is known and the window is a
    /// backlog: arrivals x the uncontended time, with headroom. A backlog's in-flight count and inflated median
    /// are the collapse, not the demand (measured in the demo: 200 req/s x 55 ms is about 11 threads, where the
    /// collapse's numbers asked for 2,943). Otherwise as <see cref="Threads(ObservedWindow)"/>.
    /// </summary>
    public static int Threads(ObservedWindow w, ServiceBaseline? baseline, double maxQueueDepth) =>
        baseline is { ServiceMs: > 0 } && Diagnosis.StarvationSignal.Backlogged(w, maxQueueDepth)
            ? Ceiling(ArrivalsPerPod(w) * ServiceSeconds(w, baseline) * Thresholds.Headroom)
            : Threads(w);

    /// <summary>Connection uses per pod per second.</summary>
    public static double UsesPerPod(ObservedWindow w) => w.ConnectionUsesPerSecond / Math.Max(1, w.Pods);

    /// <summary>
    /// Share of the pool's connection time the uses took: uses per pod x mean hold time / pool size. Near 1 the pool
    /// is the throughput limit; NaN when no hold time was measured (no connection came back in the window).
    /// </summary>
    public static double PoolBusyShare(ObservedWindow w, int pool) =>
        pool > 0 && !double.IsNaN(w.ConnectionHoldMeanMs) && w.ConnectionUsesPerSecond > 0
            ? UsesPerPod(w) * w.ConnectionHoldMeanMs / 1000 / pool
            : double.NaN;

    /// <summary>
    /// True when the requests waiting for a connection are work the pool did not serve, to be counted in its size:
    /// requests timed out waiting, or the pool's connections were busy nearly all the time (completions then understate
    /// the demand), or more requests waited than a steady queue that busy holds (twice the M/M/1 mean queue at the
    /// same utilisation; no pool that busy queues longer in steady state). Otherwise the pool keeps up with the
    /// demand and its waiters are the queue of a busy server: a pool sized for the uses x hold time with headroom
    /// removes them, and counting them again would size for a queue that is gone once the pool grows.
    /// </summary>
    public static bool WaitersAreBacklog(ObservedWindow w, int pool)
    {
        var busy = PoolBusyShare(w, pool);
        if (w.PoolTimeouts > 0 || !(busy < Thresholds.PoolCapped))
        {
            return true;
        }

        var steadyQueue = busy * busy / (1 - busy);
        return w.PendingRequestsMean > steadyQueue * Thresholds.SteadyQueueSlack;
    }

    /// <summary>
    /// Pool per pod for connection uses x hold time, with headroom, plus the requests already waiting when they are a
    /// backlog (<see cref="WaitersAreBacklog"/>). With no hold time measured (no connection came back in the window)
    /// the waiting requests are the whole of the evidence.
    /// </summary>
    public static int Pool(ObservedWindow w, int pool) =>
        Ceiling(((double.IsNaN(w.ConnectionHoldMeanMs) ? 0 : UsesPerPod(w) * w.ConnectionHoldMeanMs / 1000)
            + (WaitersAreBacklog(w, pool) ? Math.Max(0, w.PendingRequestsMean) : 0)) * Thresholds.Headroom);

    /// <summary>Connection hold time, ms: the uncontended baseline's, else the window's (NaN when neither is known).</summary>
    public static double HoldMs(ObservedWindow w, ServiceBaseline? baseline) =>
        baseline is { HoldMs: > 0 } b && double.IsFinite(b.HoldMs) ? b.HoldMs
        : w.ConnectionHoldMeanMs > 0 ? w.ConnectionHoldMeanMs : double.NaN;

    /// <summary>
    /// Connection uses per request answered without error (a request shed or timed out used none), from enough such
    /// requests; one when too few were answered to tell.
    /// </summary>
    public static double UsesPerRequest(ObservedWindow w)
    {
        var good = Diagnosis.CollapseSignal.Goodput(w);
        return good * w.Duration.TotalSeconds >= Thresholds.MinRequests && w.ConnectionUsesPerSecond > 0 ? w.ConnectionUsesPerSecond / good : 1;
    }

    /// <summary>
    /// Pool per pod the demand asks for: arrivals x connection uses per request x the uncontended hold time (the
    /// window's when none is known), with headroom. Unlike <see cref="Pool(ObservedWindow, int)"/> it does not count
    /// the requests waiting: a backlog is the collapse's, not the demand's, and is gone once the pool carries the
    /// arrivals. Null when no hold time is known.
    /// </summary>
    public static int? DemandPool(ObservedWindow w, ServiceBaseline? baseline) =>
        HoldMs(w, baseline) is > 0 and var hold ? Ceiling(ArrivalsPerPod(w) * UsesPerRequest(w) * hold / 1000 * Thresholds.Headroom) : null;

    /// <summary>Pool per pod the current work needs if each connection were held only <paramref name="holdMs"/>.</summary>
    public static int PoolAtHold(ObservedWindow w, double holdMs) => Ceiling(UsesPerPod(w) * holdMs / 1000 * Thresholds.Headroom);

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;

    private static int Ceiling(double v) => double.IsFinite(v) ? (int)Math.Min(int.MaxValue / 4, Math.Ceiling(Math.Max(0, v))) : 0;
}
