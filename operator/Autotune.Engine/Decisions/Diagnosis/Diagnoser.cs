using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Diagnosis;

/// <summary>
/// Names the bottleneck from the evidence, in order: not enough data; a collapse (see <see cref="CollapseSignal"/>),
/// unless the database is saturated; database saturation (checked before pool
/// exhaustion, because a full pool in front of a saturated database must not grow); pool exhaustion (checked before
/// starvation, because threads blocked on a connection look starved; named from the requests waiting on a full pool
/// when no wait ends to be measured; and, under starvation after a raise of minimum threads, when the requests waiting
/// for a connection outnumber the pool); thread starvation, steady or in bursts (only with threads blocked and CPU room
/// on the machine and in the cgroup, see <see cref="StarvationSignal"/>); CPU saturation (the process's, or its
/// cgroup's quota); over-provisioned; none.
/// </summary>
public static class Diagnoser
{
    /// <summary>The finding for one window.</summary>
    public static Finding Diagnose(ApiTuningSpec spec, ObservedWindow? window, Settings current, TuningState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(state);
        var o = spec.Objectives;
        var insufficient = DataSufficiency.Check(window, WindowDuration.Parse(spec.Metrics.Window), o.MaxQueueDepth, now);
        if (insufficient is not null || window is null)
        {
            return insufficient!;
        }

        var w = window;
        var ev = Evidence(w);
        var over = OverObjective(w, o);
        var starving = StarvationSignal.Starving(w, o.MaxQueueDepth, current.ThreadPoolMinThreads, o.P99LatencyMs);

        // A collapse (requests keep arriving, few are answered well) is sized from demand at once, however few requests
        // completed, unless the database is what is saturated: more connections then only queue inside it.
        if (CollapseSignal.Collapsed(w) && DatabaseSaturationSignal.Detect(w, state.History, current.DbMaxPoolSize) is null)
        {
            var named = PoolStuck(w, o) || w.PoolUsage >= Thresholds.PoolFull ? Bottleneck.PoolExhaustion : Bottleneck.ThreadStarvation;
            return Act(named, ev, $"the service {CollapseSignal.Describe(w)}; p99 {Num.Ms(w.P99Ms)}, thread-pool queue {Num.F(w.QueueDepthMean)} per pod, "
                + $"{Num.F(w.PendingRequestsMean)} requests waiting for a connection per pod") with
            { Collapse = true };
        }

        // A thin window got this far only because its queue grows: starvation may be named on it, and a pool that
        // requests are stuck waiting for, nothing else.
        var thin = DataSufficiency.Check(w, WindowDuration.Parse(spec.Metrics.Window), o.MaxQueueDepth, now, starvationException: false);
        var poolStuck = PoolStuck(w, o);
        if (thin is not null && !starving && !poolStuck)
        {
            return thin;
        }

        // Pool exhaustion and database saturation come before starvation: threads blocked waiting for a connection
        // look starved (queue grows, CPU idles, threads trickle in), and adding threads then only adds waiters.
        // The pool's usage is sampled at scrapes and dips while connections are handed back; when requests waiting for
        // a connection outnumber the pool and it serves far fewer uses than requests arrive (the rest are shed or time
        // out waiting), it is full whatever a scrape saw (measured in the demo: pool wait p99 1,965 ms, 178 waiting on a
        // pool of 6, 84 uses/s for 200 req/s arriving, usage 83% over the scrapes, named "no remedy").
        var poolWaits = poolStuck || (thin is null && w.PoolWaitP99Ms > o.MaxPoolWaitMs
            && (w.PoolUsage >= Thresholds.PoolFull || FullByWaiters(w, current) || WaitersWaitPastObjective(w, o, current))
            && (w.PendingRequestsMean > 0 || w.PoolTimeouts > 0));
        if ((thin is null || poolStuck) && (poolWaits || over) && DatabaseSaturationSignal.Detect(w, state.History, current.DbMaxPoolSize) is { } why)
        {
            return Act(Bottleneck.DatabaseSaturated, ev, $"the database is the limit: {why}");
        }

        if (poolWaits)
        {
            var waits = double.IsNaN(w.PoolWaitP99Ms)
                ? "no wait for a pooled connection ended in the window"
                : $"pool wait p99 {Num.Ms(w.PoolWaitP99Ms)} > {Num.Ms(o.MaxPoolWaitMs)} objective";
            return Act(Bottleneck.PoolExhaustion, ev,
                $"{waits} with the pool {Num.Pct(w.PoolUsage)} used and {Num.F(w.PendingRequestsMean)} requests waiting per pod");
        }

        // Behind a blocking data path the two limits feed each other: a thread blocked on the pool waits for a
        // connection that another thread must hand back. Once minimum threads were raised and the requests waiting for
        // a connection still outnumber the pool, it is the pool's turn; threads come next if the queue still grows.
        if (starving && PoolOutnumbered(w, current) && LastChange(state) is { Knob: Knob.ThreadPoolMinThreads } raised && raised.To > raised.From)
        {
            return Act(Bottleneck.PoolExhaustion, ev,
                $"{Num.F(w.PendingRequestsMean)} requests per pod wait for a connection, more than {Num.F(Thresholds.WaitersPerConnection)} for each of the pool's "
                + $"{current.DbMaxPoolSize}, while the thread-pool queue ({Num.F(w.QueueDepthMean)} per pod) still grows after minimum threads went "
                + $"{raised.From} -> {raised.To}: threads wait on the pool, so the pool is raised before more threads");
        }

        if (starving)
        {
            return Act(Bottleneck.ThreadStarvation, ev,
                (StarvationSignal.QueueGrows(w, o.MaxQueueDepth)
                    ? $"thread-pool queue {Num.F(w.QueueDepthMean)} per pod > {Num.F(o.MaxQueueDepth)} and "
                        + (w.QueueDepthSlopePerSecond > 0 ? $"growing {Num.F(w.QueueDepthSlopePerSecond)}/s " : $"not draining ({Num.F(w.QueueDepthSlopePerSecond)}/s) ")
                    : $"work waited {Num.Ms(w.QueueDelayMeanMs)} for a thread on average, at least {Num.Pct(Thresholds.QueueDelayShare)} of the "
                        + $"{Num.Ms(o.P99LatencyMs)} objective, with the thread-pool queue at {Num.F(w.QueueDepthMean)} per pod on average ")
                + $"while CPU is {Num.Pct(w.CpuUtilization)} and threads went {Num.F(w.ThreadsFirst)} -> {Num.F(w.ThreadsLast)}"
                + (w.ScrapeLatencyMaxMs >= Thresholds.SlowScrapeMs ? $" (slowest scrape {Num.Ms(w.ScrapeLatencyMaxMs)})" : string.Empty)
                + (w.TimedOutScrapes > 0 ? $" ({w.TimedOutScrapes} scrapes of live pods timed out)" : string.Empty)
                + BlockedEvidence(w));
        }

        if (StarvationSignal.StarvingInBursts(w, over, current.ThreadPoolMinThreads, o.P99LatencyMs))
        {
            return Act(Bottleneck.ThreadStarvation, ev,
                $"p99 {Num.Ms(w.P99Ms)} > {Num.Ms(o.P99LatencyMs)} objective ({Num.Pct(w.ShareUnderObjective)} under it) while CPU is {Num.Pct(w.CpuUtilization)}: "
                + $"work queued for threads (up to {Num.F(StarvationSignal.QueuePeak(w))} per pod) and the runtime had to inject threads past the minimum "
                + $"{current.ThreadPoolMinThreads} up to {Num.F(StarvationSignal.ThreadsPeak(w))}, about 2 per second");
        }

        if (over && w.CpuUtilization >= Thresholds.CpuSaturated)
        {
            return Act(Bottleneck.CpuSaturated, ev,
                $"p99 {Num.Ms(w.P99Ms)} > {Num.Ms(o.P99LatencyMs)} objective ({Num.Pct(w.ShareUnderObjective)} under it) with CPU at {Num.Pct(w.CpuUtilization)}");
        }

        if (over && StarvationSignal.CgroupSaturated(w))
        {
            // The process's share of the node's cores can look idle while its container runs out of quota: the queue
            // then waits for CPU, not for threads, and more threads only queue for the same quota.
            return Act(Bottleneck.CpuSaturated, ev,
                $"p99 {Num.Ms(w.P99Ms)} > {Num.Ms(o.P99LatencyMs)} objective ({Num.Pct(w.ShareUnderObjective)} under it): {StarvationSignal.HostBusy(w)}, "
                + $"so work waits for CPU, not for threads (process CPU {Num.Pct(w.CpuUtilization)} of the node's cores)");
        }

        if (w.CpuUtilization >= Thresholds.CpuNoHeadroom && LandedHere(w, state) is { } landed)
        {
            return Finding.Hold(Bottleneck.None, DecisionReasons.ObjectiveMet,
                $"p99 {Num.Ms(w.P99Ms)} <= {Num.Ms(o.P99LatencyMs)} objective ({Num.Pct(w.ShareUnderObjective)} under it) with CPU at {Num.Pct(w.CpuUtilization)}: {landed}", ev);
        }

        if (w.CpuUtilization >= Thresholds.CpuNoHeadroom)
        {
            return Act(Bottleneck.CpuSaturated, ev,
                $"CPU at {Num.Pct(w.CpuUtilization)} leaves no headroom (p99 {Num.Ms(w.P99Ms)}, {Num.Pct(w.ShareUnderObjective)} under the {Num.Ms(o.P99LatencyMs)} objective)");
        }

        if (over)
        {
            return Finding.Hold(Bottleneck.Unknown, DecisionReasons.NoRemedy,
                $"p99 {Num.Ms(w.P99Ms)} > {Num.Ms(o.P99LatencyMs)} objective, but no pool wait ({PoolWaitWords(w, o)}), thread-pool queue "
                + $"({Num.F(w.QueueDepthMean)}) or CPU ({Num.Pct(w.CpuUtilization)}) limit the knobs can relieve"
                + (StarvationSignal.HostBusy(w) is { } busy ? $"; {busy}, so more threads would only wait for it" : string.Empty), ev);
        }

        if (StarvationSignal.ShortOfThreads(w, current.ThreadPoolMinThreads, o.P99LatencyMs))
        {
            return Act(Bottleneck.ThreadStarvation, ev,
                $"p99 {Num.Ms(w.P99Ms)} is within the {Num.Ms(o.P99LatencyMs)} objective, but work queued for threads (up to {Num.F(StarvationSignal.QueuePeak(w))} per pod) "
                + $"while CPU is {Num.Pct(w.CpuUtilization)} and the runtime had to inject threads past the minimum {current.ThreadPoolMinThreads} up to "
                + $"{Num.F(StarvationSignal.ThreadsPeak(w))}: every burst waits for injection (about 2 threads per second), and a blocking path collapses once it outruns it");
        }

        if (!over && StarvationSignal.HoldsThreadsPastMinimum(w, current.ThreadPoolMinThreads, o.P99LatencyMs) is { } held)
        {
            return Act(Bottleneck.ThreadStarvation, ev,
                $"p99 {Num.Ms(w.P99Ms)} is within the {Num.Ms(o.P99LatencyMs)} objective on {Num.F(held.InUse)} threads the runtime injected past the minimum "
                + $"{current.ThreadPoolMinThreads} while CPU is {Num.Pct(w.CpuUtilization)}: the requests hold their threads (Little's law asks for {held.Need}), "
                + "and a lull would retire them, leaving the next burst to wait for injection (about 2 threads per second)");
        }

        var contention = PoolWaitFromDatabase(w, o, state, current);
        if (Comfortable(w, o, contention is not null))
        {
            return Act(Bottleneck.OverProvisioned, ev,
                $"p99 {Num.Ms(w.P99Ms)} is under {Num.Pct(Thresholds.ComfortableLatency)} of the {Num.Ms(o.P99LatencyMs)} objective with CPU at {Num.Pct(w.CpuUtilization)}"
                + (contention is null ? string.Empty
                    : $" (pool wait p99 {Num.Ms(w.PoolWaitP99Ms)} with the pool {Num.Pct(w.PoolUsage)} used is the database's: {contention}; fewer sessions, not more connections, shorten it)"));
        }

        return Finding.Hold(Bottleneck.None, DecisionReasons.ObjectiveMet,
            $"p99 {Num.Ms(w.P99Ms)} <= {Num.Ms(o.P99LatencyMs)} objective ({Num.Pct(w.ShareUnderObjective)} under it), pool wait p99 {Num.Ms(w.PoolWaitP99Ms)}", ev);
    }

    /// <summary>What shows the threads blocked, where the agent measures it: the queue delay, the work items per thread, the machine's idle CPU.</summary>
    private static string BlockedEvidence(ObservedWindow w)
    {
        var parts = new List<string>();
        if (double.IsFinite(w.QueueDelayMaxMs))
        {
            parts.Add($"queued work waited up to {Num.Ms(w.QueueDelayMaxMs)} for a thread");
        }

        if (double.IsFinite(w.WorkItemsPerSecond) && w.ThreadsLast > 0)
        {
            parts.Add($"threads completed {Num.F(w.WorkItemsPerSecond / w.ThreadsLast)} work items a second each");
        }

        if (double.IsFinite(w.MachineCpuIdleShare))
        {
            parts.Add($"the machine's CPU was {Num.Pct(w.MachineCpuIdleShare)} idle");
        }

        return parts.Count == 0 ? string.Empty : "; " + string.Join(", ", parts);
    }

    /// <summary>
    /// Requests stuck behind a full pool: the pool is full and on average at least one request per pod waits for a
    /// connection, while the waits that ended (if any did) were over the objective. Npgsql records a wait when it ends,
    /// so once an overloaded API completes almost nothing the pool-wait histogram goes quiet; the waiters and the
    /// pool's usage still say where the requests are.
    /// </summary>
    public static bool PoolStuck(ObservedWindow w, Objectives o) =>
        w.PoolUsage >= Thresholds.PoolFull
        && w.PendingRequestsMean >= Thresholds.StuckWaiters
        && !(w.PoolWaitP99Ms <= o.MaxPoolWaitMs);

    /// <summary>
    /// Why CPU at or over <see cref="Thresholds.CpuNoHeadroom"/> with the objective met is where the last replica
    /// give-back meant the pods to run, not a rising load; null when it is not. The give-back predicted the CPU the
    /// remaining pods would run at (its window's CPU x from / to, up to <see cref="Thresholds.ScaleInCpuCeiling"/> when
    /// the latency predicted there was comfortable); at similar load and within the band's noise allowance of that
    /// prediction, adding the replica back would only undo it, once an hour, for as long as the load stays.
    /// </summary>
    private static string? LandedHere(ObservedWindow w, TuningState state)
    {
        if (state.History.FirstOrDefault(h => h.Decision.IsAction && h.Decision.Knob == Knob.Replicas) is not
            { Decision: { Kind: DecisionKind.Change, Reason: DecisionReasons.GiveBackCapacity, From: { } from, To: { } to }, Before: { } b }
            || to >= from || to <= 0 || double.IsNaN(b.CpuUtilization) || !Guardrails.RegressionCheck.SimilarLoad(b.Rps, w.Rps))
        {
            return null;
        }

        var predicted = b.CpuUtilization * from / to;
        return w.CpuUtilization <= predicted + (Thresholds.CpuNoHeadroom - Thresholds.ScaleInCpu)
            ? $"replicas {from} -> {to} were given back to run here ({Num.Pct(predicted)} predicted at {Num.F(b.Rps)} rps, now {Num.F(w.Rps)} rps), "
                + "so no replica is added until the load rises or the objective is missed"
            : null;
    }

    /// <summary>More requests per pod wait for a connection than <see cref="Thresholds.WaitersPerConnection"/> for each one the pool has.</summary>
    public static bool PoolOutnumbered(ObservedWindow w, Settings current) =>
        current.DbMaxPoolSize is { } pool && w.PendingRequestsMean >= Math.Max(Thresholds.StuckWaiters, pool * Thresholds.WaitersPerConnection);

    /// <summary>
    /// Requests waiting outnumber the pool and requests arrive <see cref="Thresholds.PoolFallsBehind"/> times faster than
    /// the pool serves connection uses: full whatever the scrapes sampled. A pool that serves what arrives (uses keep
    /// up with arrivals) is a busy pool with a queue, where one more connection can add only contention. A pool in use
    /// under half the time both at the scrapes and by uses x hold time is not full however many wait
    /// (<see cref="Thresholds.PoolHalfBusy"/>): a cache answers requests without a connection, so arrivals outrun uses
    /// there without any shortage.
    /// </summary>
    private static bool FullByWaiters(ObservedWindow w, Settings current) =>
        PoolOutnumbered(w, current) && w.ConnectionUsesPerSecond > 0
        && ((w.ArrivalRps > w.ConnectionUsesPerSecond * Thresholds.PoolFallsBehind
                && !(w.PoolUsage < Thresholds.PoolHalfBusy && LittleSizing.PoolBusyShare(w, current.DbMaxPoolSize!.Value) < Thresholds.PoolHalfBusy))
            || LittleSizing.PoolBusyShare(w, current.DbMaxPoolSize!.Value) >= Thresholds.PoolCapped);

    /// <summary>
    /// Requests waiting outnumber a pool in use at least half the time (at the scrapes and by uses x hold time), and
    /// by Little's law each waits longer than the pool-wait objective (requests waiting / connection uses a second, per
    /// pod): the pool keeps up with arrivals, but only through a queue the objective does not allow. A pool that serves
    /// what arrives is otherwise read as a busy pool's queue, and at a small pool on a busy machine that held the raise
    /// until the queue collapsed the service (measured in the proof's fast-async run: pool 2 in use 80%, 244.6 requests
    /// waiting per pod at 4,659 req/s, about 52 ms each, pool-wait P99 188 ms against 20 ms, named nothing; the next
    /// window held 6,165 waiting at P99 2,973 ms). Whether more connections then help is judged like any raise (the
    /// simulator's backfire scenario rolls back what contends).
    /// </summary>
    private static bool WaitersWaitPastObjective(ObservedWindow w, Objectives o, Settings current) =>
        current.DbMaxPoolSize is { } pool && PoolOutnumbered(w, current) && LittleSizing.UsesPerPod(w) > 0
        && w.PendingRequestsMean / LittleSizing.UsesPerPod(w) * 1000 > o.MaxPoolWaitMs
        && w.PoolUsage >= Thresholds.PoolHalfBusy && LittleSizing.PoolBusyShare(w, pool) >= Thresholds.PoolHalfBusy;

    /// <summary>The last change or rollback the engine made, if any (the history is newest first).</summary>
    private static Decision? LastChange(TuningState state) =>
        state.History.Select(h => h.Decision).FirstOrDefault(d => d.IsAction);

    /// <summary>
    /// The pool wait of a window no rule named the pool's limit, in words: the number alone, or with why it is not the
    /// pool's size when it is over the objective (a pool mostly idle while requests waited is connections opening or a
    /// start-up, not too few of them).
    /// </summary>
    private static string PoolWaitWords(ObservedWindow w, Objectives o) =>
        w.PoolWaitP99Ms > o.MaxPoolWaitMs && double.IsFinite(w.PoolUsage)
            ? $"{Num.Ms(w.PoolWaitP99Ms)} with the pool {Num.Pct(w.PoolUsage)} used: not its size"
            : Num.Ms(w.PoolWaitP99Ms);

    /// <summary>
    /// True when nobody waited for a connection in <paramref name="w"/>: no requests pending on the pool, no pool
    /// timeouts, and the pool wait within its comfortable share of the objective.
    /// </summary>
    public static bool NobodyWaitsForAConnection(ObservedWindow w, Objectives objectives)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(objectives);
        return !(w.PendingRequestsMean > 0) && !(w.PoolTimeouts > 0) && !(w.PoolWaitP99Ms > objectives.MaxPoolWaitMs * Thresholds.Comfortable);
    }

    /// <summary>
    /// True when no request in <paramref name="w"/> waited for one of the pool's <paramref name="pool"/> connections to
    /// come free: nobody waited at all (<see cref="NobodyWaitsForAConnection"/>), or no request timed out waiting and the
    /// pool was in use under <see cref="Thresholds.PoolHalfBusy"/> of the time both at the scrapes and by uses x hold
    /// time. The pool-wait P99 of such a window is connections being opened and continuations waiting for a busy CPU,
    /// which fewer connections do not lengthen (measured on the real stack in over-provisioned: pool-wait P99 27-56 ms
    /// on a pool of 64 about 1% used, and in cached-mix 293-408 ms on a pool of 16 under a third used).
    /// </summary>
    public static bool NobodyWaitsForItsSize(ObservedWindow w, Objectives objectives, int pool)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(objectives);
        return NobodyWaitsForAConnection(w, objectives)
            || (!(w.PoolTimeouts > 0) && w.PoolUsage < Thresholds.PoolHalfBusy && LittleSizing.PoolBusyShare(w, pool) < Thresholds.PoolHalfBusy);
    }

    /// <summary>P99 over the objective, or too small a share of requests under it.</summary>
    public static bool OverObjective(ObservedWindow w, Objectives o) =>
        w.P99Ms > o.P99LatencyMs || w.ShareUnderObjective < Thresholds.ShareTarget;

    /// <summary>
    /// Why the pool wait over its comfortable share of the objective is the database's doing, not the pool's; null when
    /// it is not (or the wait is comfortable). The pool is not full (so not exhausted), and a pool raise on this API has
    /// shown that more sessions make every connection's hold longer at flat throughput
    /// (<see cref="DatabaseSaturationSignal.ContentionShown"/>): more connections would lengthen the wait, and fewer
    /// sessions (a replica given back takes its pool's with it) shorten it, so the wait does not keep capacity.
    /// </summary>
    public static string? PoolWaitFromDatabase(ObservedWindow w, Objectives o, TuningState state, Settings current)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(current);
        return w.PoolWaitP99Ms > o.MaxPoolWaitMs * Thresholds.Comfortable && w.PoolUsage < Thresholds.PoolFull && w.PoolTimeouts <= 0
            ? DatabaseSaturationSignal.ContentionShown(w, state.History, current.DbMaxPoolSize)
            : null;
    }

    /// <summary>Comfortably under every objective: latency, pool wait, queue and CPU leave room to give capacity back.</summary>
    public static bool Comfortable(ObservedWindow w, Objectives o) => Comfortable(w, o, poolWaitFromDatabase: false);

    /// <summary>
    /// Comfortably under every objective, the pool wait excepted when <paramref name="poolWaitFromDatabase"/> (see
    /// <see cref="PoolWaitFromDatabase"/>).
    /// </summary>
    public static bool Comfortable(ObservedWindow w, Objectives o, bool poolWaitFromDatabase) =>
        w.P99Ms <= o.P99LatencyMs * Thresholds.ComfortableLatency
        && !(w.ShareUnderObjective < Thresholds.ShareTarget)
        && (poolWaitFromDatabase || !(w.PoolWaitP99Ms > o.MaxPoolWaitMs * Thresholds.Comfortable))
        && w.QueueDepthMean <= o.MaxQueueDepth * Thresholds.Comfortable
        && !(w.CpuUtilization > Thresholds.ComfortableCpu);

    private static Finding Act(Bottleneck bottleneck, Dictionary<string, double> evidence, string summary) =>
        new() { Bottleneck = bottleneck, Actionable = true, Summary = summary, Evidence = evidence };

    private static Dictionary<string, double> Evidence(ObservedWindow w)
    {
        var all = new Dictionary<string, double>
        {
            [EvidenceKeys.Rps] = w.Rps,
            [EvidenceKeys.P99Ms] = w.P99Ms,
            [EvidenceKeys.ShareUnderObjective] = w.ShareUnderObjective,
            [EvidenceKeys.PoolWaitP99Ms] = w.PoolWaitP99Ms,
            [EvidenceKeys.PoolUsage] = w.PoolUsage,
            [EvidenceKeys.PendingRequests] = w.PendingRequestsMean,
            [EvidenceKeys.ConnectionHoldMs] = w.ConnectionHoldMeanMs,
            [EvidenceKeys.QueueDepth] = w.QueueDepthMean,
            [EvidenceKeys.QueueSlope] = w.QueueDepthSlopePerSecond,
            [EvidenceKeys.Threads] = w.ThreadsLast,
            [EvidenceKeys.Cpu] = w.CpuUtilization,
            [EvidenceKeys.WorkItemsPerSecond] = w.WorkItemsPerSecond,
            [EvidenceKeys.QueueDelayMs] = w.QueueDelayMaxMs,
            [EvidenceKeys.MachineCpuIdle] = w.MachineCpuIdleShare,
            [EvidenceKeys.CgroupThrottled] = w.CgroupThrottledShare,
            [EvidenceKeys.Scrapes] = w.Scrapes,
            [EvidenceKeys.ScrapeLatencyMs] = w.ScrapeLatencyMaxMs,
        };

        // Status is JSON, which has no NaN: an unknown number is left out.
        return all.Where(kv => double.IsFinite(kv.Value)).ToDictionary();
    }
}
