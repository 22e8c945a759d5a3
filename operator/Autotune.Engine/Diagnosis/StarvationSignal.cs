using Autotune.Engine.Model;
using Autotune.Engine.Policy;

namespace Autotune.Engine.Diagnosis;

/// <summary>The signs of thread starvation: work queues and grows while CPU is idle and threads trickle in.</summary>
internal static class StarvationSignal
{
    /// <summary>The thread-pool queue is over its limit and growing (or the scrapes of the live process are slow).</summary>
    public static bool QueueGrows(ObservedWindow w, double maxQueueDepth) =>
        w.QueueDepthMean > maxQueueDepth && (w.QueueDepthSlopePerSecond > 0 || SlowScrapes(w));

    /// <summary>A live process answered its scrapes slowly, or let them time out.</summary>
    public static bool SlowScrapes(ObservedWindow w) => w.ScrapeLatencyMaxMs >= Thresholds.SlowScrapeMs || w.TimedOutScrapes > 0;

    /// <summary>CPU is idle (unknown CPU counts as idle only when scrapes are slow: the process is alive but stuck).</summary>
    public static bool CpuIdle(ObservedWindow w) =>
        double.IsNaN(w.CpuUtilization) ? SlowScrapes(w) : w.CpuUtilization < Thresholds.CpuIdle;

    /// <summary>Threads per second the pool added over the window.</summary>
    public static double ThreadGrowthPerSecond(ObservedWindow w) =>
        w.Duration.TotalSeconds > 0 ? (w.ThreadsLast - w.ThreadsFirst) / w.Duration.TotalSeconds : 0;

    /// <summary>Threads sit near the minimum or grow only at the runtime's slow injection rate.</summary>
    public static bool ThreadsStuck(ObservedWindow w, int? minThreads) =>
        ThreadGrowthPerSecond(w) <= Thresholds.SlowThreadGrowthPerSecond
        || (minThreads is { } min && w.ThreadsLast <= (min * 1.25) + 2);

    /// <summary>All signs together.</summary>
    public static bool Starving(ObservedWindow w, double maxQueueDepth, int? minThreads) =>
        QueueGrows(w, maxQueueDepth) && CpuIdle(w) && ThreadsStuck(w, minThreads);
}
