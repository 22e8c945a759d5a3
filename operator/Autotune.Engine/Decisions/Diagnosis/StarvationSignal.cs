using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Diagnosis;

/// <summary>
/// The signs of thread starvation, told from saturation: work waits for a thread (the queue grows, or the agent
/// measures the wait) while the pool's completed work items stall (its threads are held inside their work items) and
/// CPU has room in the process, on the machine and in the cgroup; threads trickle in. A queue on a busy async app that
/// completes thousands of work items per thread is scheduling, and a queue on a busy machine or a throttled cgroup is
/// saturation: more threads help neither. Each sign the agent does not export (NaN) is left out, as before it existed.
/// </summary>
internal static class StarvationSignal
{
    /// <summary>
    /// The thread-pool queue is over its limit and growing (or the scrapes of the live process are slow), or it is a
    /// backlog (see <see cref="Backlogged"/>).
    /// </summary>
    public static bool QueueGrows(ObservedWindow w, double maxQueueDepth) =>
        (w.QueueDepthMean > maxQueueDepth && (w.QueueDepthSlopePerSecond > 0 || SlowScrapes(w))) || Backlogged(w, maxQueueDepth);

    /// <summary>
    /// A backlog: the queue stands far over its limit (<see cref="Thresholds.BacklogFactor"/> times) and the window
    /// would not drain even half of it. An overloaded process on a blocking path gets here: every queued item blocks a
    /// thread as soon as it runs, the queue stops growing only because arrivals and injection balance, and almost
    /// nothing completes. That is starvation, not missing data.
    /// </summary>
    public static bool Backlogged(ObservedWindow w, double maxQueueDepth) =>
        w.QueueDepthMean > maxQueueDepth * Thresholds.BacklogFactor
        && -w.QueueDepthSlopePerSecond * w.Duration.TotalSeconds < w.QueueDepthMean / 2;

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
    public static bool Starving(ObservedWindow w, double maxQueueDepth, int? minThreads, double objectiveMs) =>
        (QueueGrows(w, maxQueueDepth) || DelayedOnAverage(w, objectiveMs)) && CpuRoom(w) && ThreadsStuck(w, minThreads)
        && CompletionsStall(w.WorkItemsPerSecond, ThreadsOf(w)) && QueueWaits(w, objectiveMs);

    /// <summary>
    /// The agent's measured queue delay, on average over the window, is a real share of the objective
    /// (<see cref="Thresholds.QueueDelayShare"/>): work waits for threads even when the queue stands still. False without the gauge.
    /// </summary>
    public static bool DelayedOnAverage(ObservedWindow w, double objectiveMs) =>
        w.QueueDelayMeanMs >= Thresholds.QueueDelayShare * objectiveMs;

    /// <summary>
    /// CPU has room for more threads to run: the process's CPU is idle (<see cref="CpuIdle"/>), and, where the agent
    /// exports them, the machine has idle CPU, little is stolen, and the cgroup is neither throttled nor at its limit.
    /// </summary>
    public static bool CpuRoom(ObservedWindow w) =>
        CpuIdle(w) && HostRoom(w.MachineCpuIdleShare, w.CpuStealShare, w.CgroupThrottledShare, w.CgroupCpuUtilization);

    /// <summary>The machine and the cgroup leave room (each unknown figure is no objection).</summary>
    public static bool HostRoom(double machineIdle, double steal, double throttled, double cgroupUtilization) =>
        !(machineIdle < Thresholds.MachineIdleRoom) && !(steal > Thresholds.StealHigh)
        && !(throttled >= Thresholds.CgroupThrottled) && !(cgroupUtilization >= Thresholds.CpuIdle);

    /// <summary>What leaves no room for more threads on the machine or in the cgroup, in words; null when nothing does (or it is unknown).</summary>
    public static string? HostBusy(ObservedWindow w) =>
        w.CgroupThrottledShare >= Thresholds.CgroupThrottled ? $"the container's cgroup was throttled in {Num.Pct(w.CgroupThrottledShare)} of its CPU periods"
        : w.CgroupCpuUtilization >= Thresholds.CpuIdle ? $"the container's cgroup used {Num.Pct(w.CgroupCpuUtilization)} of its CPU limit"
        : w.CpuStealShare > Thresholds.StealHigh ? $"the hypervisor stole {Num.Pct(w.CpuStealShare)} of the machine's CPU"
        : w.MachineCpuIdleShare < Thresholds.MachineIdleRoom ? $"the machine's CPU was only {Num.Pct(w.MachineCpuIdleShare)} idle"
        : null;

    /// <summary>The cgroup is at its CPU quota: throttled in a real share of its periods, or using most of its limit.</summary>
    public static bool CgroupSaturated(ObservedWindow w) =>
        w.CgroupThrottledShare >= Thresholds.CgroupThrottled || w.CgroupCpuUtilization >= Thresholds.CpuSaturated;

    /// <summary>
    /// The threads are measured blocked with CPU to spare: the completion counter is exported and each thread completed
    /// fewer than <see cref="Thresholds.BlockedWorkItemsPerThread"/> work items a second, while the process, its machine
    /// and its cgroup have room (<see cref="CpuRoom"/>). Unlike <see cref="CompletionsStall(double, double)"/>, an
    /// unknown counter is no evidence.
    /// </summary>
    public static bool Blocked(ObservedWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var threads = ThreadsOf(w);
        return w.WorkItemsPerSecond >= 0 && threads > 0 && CompletionsStall(w.WorkItemsPerSecond, threads) && CpuRoom(w);
    }

    /// <summary>
    /// The pool's threads are held inside their work items: fewer than <see cref="Thresholds.BlockedWorkItemsPerThread"/>
    /// completed per thread per second. True when the completion counter or the threads are unknown (no objection).
    /// </summary>
    public static bool CompletionsStall(double workItemsPerSecond, double threads) =>
        !(workItemsPerSecond >= 0 && threads > 0) || workItemsPerSecond / threads < Thresholds.BlockedWorkItemsPerThread;

    private static double ThreadsOf(double mean, double last) => double.IsFinite(mean) && mean > 0 ? mean : last;

    /// <summary>Thread-pool threads per pod over the window: their mean, or the last scrape's when no mean was recorded.</summary>
    public static double ThreadsOf(ObservedWindow w) => ThreadsOf(w.ThreadsMean, w.ThreadsLast);

    /// <summary>
    /// How long work waits for a thread, ms: the agent's measured queue delay (the longest at any scrape) when it is
    /// exported, else the Little estimate (<see cref="QueueWaitMs(double, double)"/>); NaN when neither is known.
    /// </summary>
    public static double QueueWaitMs(ObservedWindow w) =>
        double.IsFinite(w.QueueDelayMaxMs) ? w.QueueDelayMaxMs : QueueWaitMs(QueuePeak(w), w.WorkItemsPerSecond);

    /// <summary>Work waits for a thread a real share of the objective (measured, or estimated); true when unknown, as before.</summary>
    public static bool QueueWaits(ObservedWindow w, double objectiveMs) =>
        !(QueueWaitMs(w) < Thresholds.QueueWaitShare * objectiveMs);

    private static bool QueueWaits(PodObservation p, double objectiveMs) =>
        !((double.IsFinite(p.QueueDelayMaxMs) ? p.QueueDelayMaxMs : QueueWaitMs(Finite(p.QueueDepthMax), p.WorkItemsPerSecond))
            < Thresholds.QueueWaitShare * objectiveMs);

    /// <summary>One pod's CPU has room and its threads are held inside their work items (see <see cref="CpuRoom"/>, <see cref="CompletionsStall"/>).</summary>
    private static bool PodBlocked(ObservedWindow w, PodObservation p) =>
        (double.IsNaN(p.CpuUtilization) ? SlowScrapes(w) : p.CpuUtilization < Thresholds.CpuIdle)
        && HostRoom(p.MachineCpuIdleShare, p.CpuStealShare, p.CgroupThrottledShare, p.CgroupCpuUtilization)
        && CompletionsStall(p.WorkItemsPerSecond, ThreadsOf(p.ThreadsMean, p.ThreadsLast));

    /// <summary>
    /// How long work waits in the thread-pool queue, ms: the queue over the rate the pool completes work items
    /// (Little's law on the queue); NaN when the completion counter is not exported.
    /// </summary>
    public static double QueueWaitMs(double queue, double workItemsPerSecond) =>
        double.IsNaN(workItemsPerSecond) ? double.NaN
        : queue <= 0 ? 0
        : workItemsPerSecond > 0 ? queue / workItemsPerSecond * 1000
        : double.PositiveInfinity;

    /// <summary>
    /// Threads are short only if queued work waits for one: a queue the pool drains within a negligible share of the
    /// objective is the scheduling of a busy async app, not starvation (measured: an async app at 8.7k req/s with a
    /// queue and threads past the minimum, P99 2.6 ms, was named starved, and raising minimum threads cost 0.7x the
    /// throughput). Without the completion counter the queue alone has to do, as before.
    /// </summary>
    public static bool QueueWaits(double queue, double workItemsPerSecond, double objectiveMs) =>
        !(QueueWaitMs(queue, workItemsPerSecond) < Thresholds.QueueWaitShare * objectiveMs);

    /// <summary>The longest queue per pod any scrape saw (the mean when no maximum was recorded).</summary>
    public static double QueuePeak(ObservedWindow w) => Finite(Math.Max(Finite(w.QueueDepthMax), Finite(w.QueueDepthMean)));

    /// <summary>The most threads per pod any scrape saw (first or last when no maximum was recorded); 0 when unknown.</summary>
    public static double ThreadsPeak(ObservedWindow w) =>
        Math.Max(Finite(w.ThreadsMax), Math.Max(Finite(w.ThreadsFirst), Finite(w.ThreadsLast)));

    /// <summary>
    /// The runtime had to inject threads past the minimum: past it, .NET adds about one thread per half second only
    /// while work waits for a thread, so a pool that grew well past its minimum was short of threads.
    /// </summary>
    public static bool InjectedPastMinimum(ObservedWindow w, int? minThreads) =>
        minThreads is { } min && ThreadsPeak(w) > Math.Max(min + 2, min * 1.25);

    /// <summary>
    /// Starvation in bursts: over the objective with CPU idle, work queued for a thread at some scrape, and the pool
    /// had to grow past its minimum by injection. Bursts after idle gaps find few threads (idle ones retired), queue
    /// while threads trickle in, and drain before the queue's mean or slope shows it; this catches them.
    /// </summary>
    /// <remarks>
    /// Judged per pod when the pods are known: a pod that is CPU-bound with a backlog beside fresh idle pods (just
    /// after a scale-out) averages to "idle CPU and a queue", which is not starvation.
    /// </remarks>
    public static bool StarvingInBursts(ObservedWindow w, bool overObjective, int? minThreads, double objectiveMs)
    {
        if (!overObjective)
        {
            return false;
        }

        if (w.PerPod.Count == 0)
        {
            return CpuRoom(w) && QueuePeak(w) > 0 && InjectedPastMinimum(w, minThreads)
                && CompletionsStall(w.WorkItemsPerSecond, ThreadsOf(w)) && QueueWaits(w, objectiveMs);
        }

        return w.PerPod.Any(p => PodBlocked(w, p)
            && Finite(p.QueueDepthMax) > 0 && minThreads is { } min
            && Math.Max(Finite(p.ThreadsMax), Finite(p.ThreadsLast)) > Math.Max(min + 2, min * 1.25)
            && QueueWaits(p, objectiveMs));
    }

    /// <summary>
    /// Short of threads before the objective is missed: CPU idle, work queued for a thread at some scrape, and the
    /// runtime had to inject threads past the minimum. Raising the minimum costs nothing until the threads are
    /// needed (the runtime creates them on demand), while waiting for injection is how a blocking path collapses:
    /// each queued item blocks the thread that runs it, and the backlog outgrows 2 threads a second.
    /// </summary>
    public static bool ShortOfThreads(ObservedWindow w, int? minThreads, double objectiveMs) =>
        CpuRoom(w) && QueuePeak(w) > 0 && InjectedPastMinimum(w, minThreads)
        && (w.PerPod.Count == 0
            ? CompletionsStall(w.WorkItemsPerSecond, ThreadsOf(w.ThreadsMean, w.ThreadsLast)) && QueueWaits(w, objectiveMs)
            : w.PerPod.Any(p => !(p.CpuUtilization >= Thresholds.CpuIdle)
                && HostRoom(p.MachineCpuIdleShare, p.CpuStealShare, p.CgroupThrottledShare, p.CgroupCpuUtilization)
                && CompletionsStall(p.WorkItemsPerSecond, ThreadsOf(p.ThreadsMean, p.ThreadsLast)) && Finite(p.QueueDepthMax) > 0
                && minThreads is { } min && Math.Max(Finite(p.ThreadsMax), Finite(p.ThreadsLast)) > Math.Max(min + 2, min * 1.25)
                && QueueWaits(p, objectiveMs)));

    /// <summary>
    /// Threads the load holds past the minimum, on a blocking path, with CPU idle and P99 comfortably within the objective
    /// (a backlog still draining inflates the requests in flight): the runtime keeps more threads than
    /// the minimum (past it by the injection margin), Little's law asks for more than the minimum, and the threads in use
    /// cover most of what it asks (each request in flight holds a thread: an async app holds few threads however many
    /// requests are in flight). The objective is met now, on threads the runtime injected; a lull retires them and
    /// the next burst waits for injection again, about 2 threads a second (measured in the demo: recovered at 200
    /// req/s on 6 minimum threads and the threads injected during the collapse; after a lull, the same process missed
    /// at 150 req/s with 503s while threads trickled back). Null when not, else the threads in use and Little's law.
    /// </summary>
    public static (double InUse, int Need)? HoldsThreadsPastMinimum(ObservedWindow w, int? minThreads, double objectiveMs)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (minThreads is not { } min || !CpuRoom(w) || !(w.P99Ms <= objectiveMs * Thresholds.ComfortableLatency))
        {
            return null;
        }

        var inUse = ThreadsOf(w.ThreadsMean, w.ThreadsLast);
        var need = Policy.LittleSizing.Threads(w);
        return inUse > Math.Max(min + 2, min * 1.25) && need > min && inUse >= need / Thresholds.Headroom * Thresholds.ThreadsCoverDemand
            ? (inUse, need)
            : null;
    }

    private static double Finite(double v) => double.IsFinite(v) ? v : 0;
}
