using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// Rule 6: comfortably under the objective for the whole stabilisation window (most of its windows comfortable, none
/// over the objective, this one comfortable: see <see cref="ComfortRun"/>) gives capacity back one step at a
/// time: a replica first (if the others can carry its CPU, connections and threads, growing their pool or minimum
/// threads first when they could not, and lowering an idle pool first when the replica's going would leave CPU past
/// comfortable, see <see cref="PoolGoesWithReplica"/>), then a quarter of the pool, then a quarter of the minimum
/// threads, never below their budgets or what Little's law asks for. Outside that window, a pool far larger than the
/// connections ever in use comes down on its own evidence (see <see cref="IdlePool"/>).
/// </summary>
internal static class GiveBackPolicy
{
    /// <summary>Windows (this one and those before it) whose peak connections in use an idle pool is judged on.</summary>
    public const int IdleWindows = 3;

    /// <summary>A pool whose peak in use stays at or under this share of it holds an idle surplus.</summary>
    public const double IdleShare = 0.5;

    public static Proposal Propose(DecisionInput input, Finding finding, ObservedWindow w, BudgetContext? budget)
    {
        var since = input.State.ComfortableSince;
        var needed = TimeSpan.FromSeconds(Math.Max(0, input.Spec.Behavior.ScaleInStabilizationSeconds));
        var comfortableFor = since is { } s ? input.Now - s : TimeSpan.Zero;
        if (since is null || comfortableFor < needed)
        {
            return Proposal.Hold(DecisionReasons.Stabilizing,
                $"{finding.Summary}; comfortable for {Num.F(comfortableFor.TotalSeconds)} s of the {Num.F(needed.TotalSeconds)} s stabilisation window");
        }

        var why = $"{finding.Summary} for {Num.F(comfortableFor.TotalSeconds)} s{ComfortRun.Note(input)}";
        var c = input.Current;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas) is { } rb && c.Replicas is { } r && r > rb.Min && r > 1
            && CpuAfterScaleIn(w, input.Spec.Objectives.P99LatencyMs, r) is { } cpu
            && ScaleIn(input, w, why, cpu, r, budget) is { } scaleIn)
        {
            return scaleIn;
        }

        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is { } pb && c.DbMaxPoolSize is { } p && p > pb.Min
            && !double.IsNaN(w.PoolUsage))
        {
            // Sized from the most connections any scrape saw in use as well as from the mean: under bursts the mean
            // counts the gaps (the bursty-starvation run of 16:23 gave a pool 54% used on average back 100 -> 81, and
            // its bursts then waited up to 1.6 s for a connection).
            var peak = PeakInUse(input, w);
            var busy = double.IsNaN(peak) ? w.PoolUsage * p : Math.Max(w.PoolUsage * p, peak);
            var to = Math.Max(pb.Min, Math.Max((int)Math.Ceiling(busy * Thresholds.Headroom), (int)Math.Ceiling(p * 0.75)));
            if (to < p)
            {
                var atMost = double.IsNaN(peak) ? string.Empty : $", at most {Num.F(peak)} connections in use per pod at a scrape";
                return Proposal.Change(DecisionReasons.GiveBackCapacity,
                    $"{why}; the pool is {Num.Pct(w.PoolUsage)} used{atMost}", c with { DbMaxPoolSize = to });
            }
        }

        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.ThreadPoolMinThreads) is { } tb && c.ThreadPoolMinThreads is { } t && t > tb.Min)
        {
            var need = LittleSizing.Threads(w);
            var to = Math.Max(tb.Min, Math.Max(need, (int)Math.Ceiling(t * 0.75)));
            if (to < t)
            {
                return Proposal.Change(DecisionReasons.GiveBackCapacity,
                    $"{why}; Little's law asks for {need} threads per pod", c with { ThreadPoolMinThreads = to });
            }
        }

        return Proposal.Hold(DecisionReasons.ObjectiveMet, $"{why}; nothing can be given back within the budgets");
    }

    /// <summary>
    /// Whether r - 1 replicas can carry the CPU of r: at up to <see cref="Thresholds.ScaleInCpu"/> always (no words, and
    /// the requests in flight per pod grow with the load each pod takes, r / (r - 1)), and up to
    /// <see cref="Thresholds.ScaleInCpuCeiling"/> when P99, scaled to the higher utilisation, stays under
    /// <see cref="Thresholds.ComfortableLatency"/> of the objective (the words say so; the requests in flight per pod,
    /// rate x latency, then grow as the wait for a core does); null when they cannot. The
    /// scaling treats all of P99 as time spent waiting for a core, which grows as rho / (1 - rho) (M/M/1): the service
    /// and database time in it do not grow, so the prediction errs high. A fixed CPU limit cannot tell a load that fits
    /// r - 1 replicas at 80% with P99 at half the objective from one that would not: the benchmark's cpu-bound load (4
    /// pods at 59.8%, P99 48 ms) runs on 3 pods at 80% with P99 about 133 ms against a 250 ms objective (predicted 127 ms).
    /// </summary>
    internal static CpuAfter? CpuAfterScaleIn(ObservedWindow w, double objectiveMs, int r)
    {
        if (double.IsNaN(w.CpuUtilization) || r < 2)
        {
            return null;
        }

        var now = w.CpuUtilization;
        var after = now * r / (r - 1);
        if (after <= Thresholds.ScaleInCpu)
        {
            return new CpuAfter(after, r / (double)(r - 1), string.Empty);
        }

        if (after > Thresholds.ScaleInCpuCeiling || now <= 0 || double.IsNaN(w.P99Ms))
        {
            return null;
        }

        static double Wait(double rho) => rho / (1 - rho);
        var growth = Wait(after) / Wait(now);
        var predicted = w.P99Ms * growth;
        return predicted <= objectiveMs * Thresholds.ComfortableLatency
            ? new CpuAfter(after, growth, $"; at {Num.Pct(after)} CPU the wait for a core grows {Num.F(growth)}x (rho / (1 - rho)), p99 to at most {Num.Ms(predicted)}, "
                + $"under {Num.Pct(Thresholds.ComfortableLatency)} of the objective")
            : null;
    }

    /// <summary>The CPU r - 1 replicas would run at, how many times the requests in flight per pod grow, and the words for a landing past <see cref="Thresholds.ScaleInCpu"/>.</summary>
    internal readonly record struct CpuAfter(double Cpu, double InFlightGrowth, string Why);

    /// <summary>
    /// One replica fewer, when the others can carry its CPU (see <see cref="CpuAfterScaleIn"/>), its connections and its threads. When the per-pod pool or the
    /// minimum threads the remaining pods would need are more than they have, that knob grows first (within its
    /// budget and the connection budget) and the replica goes on a later window; null when neither fits.
    /// </summary>
    private static Proposal? ScaleIn(DecisionInput input, ObservedWindow w, string why, CpuAfter cpu, int r, BudgetContext? budget)
    {
        var c = input.Current;
        var factor = r / (double)(r - 1);
        var cpuAfter = w.CpuUtilization * factor;
        var usage = double.IsNaN(w.PoolUsage) ? 0 : w.PoolUsage;

        // A database that more sessions have been shown to slow: growing the pools first adds sessions (the backfire
        // run's 3 x 3 collapses the server), while the replica going takes its pool's sessions away and shortens every
        // hold. The replica goes with the pools as they are; the pool grows afterwards only if the pods' pools are then
        // exhausted (the pool rule checks the database first), and the give-back is rolled back if it left the service
        // over its objective.
        var contention = usage * factor > Thresholds.ScaleInPoolUsage
            ? Diagnosis.DatabaseSaturationSignal.ContentionShown(w, input.State.History, c.DbMaxPoolSize)
            : null;
        if (contention is not null && StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas) is { } rbc)
        {
            return Proposal.Change(DecisionReasons.GiveBackCapacity,
                $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU{cpu.Why} and their pools {Num.Pct(usage * factor)} used at today's hold time, "
                + $"but {contention}: the replica's sessions going shortens the hold, so it goes with the pools as they are",
                c with { Replicas = Math.Max(rbc.Min, r - 1) });
        }

        if (usage * factor > Thresholds.ScaleInPoolUsage)
        {
            if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb || c.DbMaxPoolSize is not { } p)
            {
                return null;
            }

            var want = (int)Math.Ceiling(usage * p * factor / Thresholds.ScaleInPoolUsage);
            var to = StepBounds.Bound(Knob.DbMaxPoolSize, p, want, pb);
            if (to < want)
            {
                return null;
            }

            var after = $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU but their pools {Num.Pct(usage * factor)} used";
            if (budget is null || budget.Plan(c, c with { DbMaxPoolSize = to }).Fits)
            {
                return Proposal.Change(DecisionReasons.GiveBackCapacity,
                    $"{after}, so the pool grows to {to} per pod first (connections fall once the replica goes)", c with { DbMaxPoolSize = to });
            }

            // Growing the pool first does not fit (old and new pools overlap on every pod during the swap); after the
            // replica goes it may. The replica goes first, planned with the largest pool that then fits, if that
            // holds at least the connections the remaining pods will have busy.
            // The pool raise after the replica must be allowed then (no cooldown left, no bar, no suppressed reversal).
            if (MoveGuards.Check(input, Knob.DbMaxPoolSize, Direction.Up, DecisionReasons.RaisePool) is not null)
            {
                return null;
            }

            var busyAfter = (int)Math.Ceiling(usage * p * factor);
            var fit = Search.Largest(p + 1, to, v => budget.Plan(c, c with { Replicas = r - 1, DbMaxPoolSize = v }).Fits);
            return fit is { } f && f >= busyAfter
                ? Proposal.Change(DecisionReasons.ConsolidateReplicas,
                    $"{after}; growing the pool first does not fit the connection budget ({budget.Note()}), after the replica goes a pool of {f} does, so the pool grows after it",
                    c with { Replicas = r - 1, DbMaxPoolSize = f })
                : null;
        }

        // Work queued for threads at some scrape, and the threads the pods run now, spread over fewer pods, would be
        // past what the runtime starts at once (the minimum) by as much as starvation in bursts shows: the minimum
        // grows first (a bounded step; the replica goes once it suffices).
        var threadsAfter = Diagnosis.StarvationSignal.ThreadsPeak(w) * cpu.InFlightGrowth;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.ThreadPoolMinThreads) is { } tb && c.ThreadPoolMinThreads is { } t
            && Diagnosis.StarvationSignal.QueuePeak(w) > 0 && threadsAfter > Math.Max(t + 2, t * 1.25))
        {
            var need = (int)Math.Ceiling(threadsAfter * Thresholds.Headroom);
            var to = StepBounds.Bound(Knob.ThreadPoolMinThreads, t, need, tb);
            return to <= t ? null : Proposal.Change(DecisionReasons.GiveBackCapacity,
                $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU but {Num.F(threadsAfter)} threads per pod, past their minimum {t}, "
                + $"so minimum threads rise to {to} first", c with { ThreadPoolMinThreads = to });
        }

        var rb = StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas)!;
        var fewer = c with { Replicas = Math.Max(rb.Min, r - 1) };
        if (PoolGoesWithReplica(input, w, cpu, r, budget) is { } pool)
        {
            return Proposal.Change(DecisionReasons.GiveBackCapacity,
                $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU{cpu.Why}; {pool.Why}", fewer with { DbMaxPoolSize = pool.To });
        }

        return Proposal.Change(DecisionReasons.GiveBackCapacity,
            $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU{cpu.Why}", fewer);
    }

    /// <summary>
    /// The pool per pod that goes down with a replica given back, and why; null when the pool stays. The pool's own
    /// give-back step needs a comfortable CPU (<see cref="Thresholds.ComfortableCpu"/>): a scale-in that lands past it
    /// would leave a pool sized for more pods' worth of sessions (or none at all) with no later window to trim it, and
    /// every idle connection a pod holds is a session a burst can pile into the database (the benchmark's
    /// database-bound run, 1 pod with a pool of 60 at 1500 uses/s and about 6 connections busy, collapsed the 2-core
    /// server 2 to 37 minutes after the scale-in; a pool of 30 or less never did). So when the remaining pods' busy
    /// connections (the measured usage, or uses x hold time, whichever is higher, times r / (r - 1)), with the
    /// Little's-law headroom and at most <see cref="Thresholds.ScaleInPoolUsage"/> used, need at most three quarters of
    /// the pool (a step at least as large as the pool's own give-back step), the pool comes down to that in the same
    /// plan, if the pool may be lowered now and the plan fits the connection budget. The plan lowers the pool first
    /// (fewer connections before fewer pods); the replica goes on a later window, when the give-back is due again.
    /// </summary>
    internal static (int To, string Why)? PoolGoesWithReplica(DecisionInput input, ObservedWindow w, CpuAfter cpu, int r, BudgetContext? budget)
    {
        var c = input.Current;
        if (cpu.Cpu <= Thresholds.ComfortableCpu || r < 2
            || StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb || c.DbMaxPoolSize is not { } p || p <= pb.Min
            || double.IsNaN(w.PoolUsage))
        {
            return null;
        }

        var factor = r / (double)(r - 1);
        var held = double.IsNaN(w.ConnectionHoldMeanMs) ? 0 : LittleSizing.UsesPerPod(w) * w.ConnectionHoldMeanMs / 1000;
        var busyAfter = Math.Max(w.PoolUsage * p, held) * factor;
        var to = Math.Max(pb.Min, (int)Math.Ceiling(busyAfter * Thresholds.Headroom / Thresholds.ScaleInPoolUsage));
        // Both moves must be allowed now: the plan's first step (the pool) is the one the decision guards, and a pool
        // lowered for a replica that may not go (cooldown, a bar, a suppressed reversal) would only be a smaller pool.
        if (to > p * 0.75 || MoveGuards.Check(input, Knob.DbMaxPoolSize, Direction.Down, DecisionReasons.GiveBackCapacity) is not null
            || MoveGuards.Check(input, Knob.Replicas, Direction.Down, DecisionReasons.GiveBackCapacity) is not null)
        {
            return null;
        }

        var after = c with { Replicas = r - 1, DbMaxPoolSize = to };
        return budget is null || budget.Plan(c, after).Fits
            ? (to, $"at that CPU the pool's own give-back step cannot follow, and about {Num.F(busyAfter)} connections per pod would be busy, "
                + $"so the pool comes down {p} -> {to} first and the replica follows (idle connections are sessions a burst piles into the database)")
            : null;
    }

    /// <summary>The most pooled connections in use per pod at a scrape of this window and the ones before it kept in <see cref="TuningState.PoolPeaks"/>; NaN when none reports.</summary>
    private static double PeakInUse(DecisionInput input, ObservedWindow w) =>
        ((double[])[w.PoolInUseMax, .. input.State.PoolPeaks]).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();

    /// <summary>
    /// A pool well above the connections ever in use is lowered toward that peak: connections a pool may open are
    /// reserved against the server's max_connections, which other APIs share, even when they show no latency cost
    /// (measured in busy-async-over-provisioned: a pool of 64 with at most 7 connections in use at any scrape, P99
    /// 4.7 ms against a 100 ms objective; static pools of 64, 16 and 8 all hold that P99). The evidence: the objective
    /// met with margin (P99 at most <see cref="Thresholds.ComfortableLatency"/> of it, the share under it on target, no
    /// errors to speak of), nobody waiting for one of its connections to come free
    /// (<see cref="Diagnoser.NobodyWaitsForItsSize"/>: no requests pending, no pool timeouts and the pool wait
    /// comfortable, or a pool in use under half the time), and the peak in use over the last <see cref="IdleWindows"/>
    /// windows at most <see cref="IdleShare"/> of the pool. The pool comes down toward that peak x <see cref="Thresholds.Headroom"/>, at
    /// most halved in one step, never below its budget's minimum or a floor a lowering was judged worse at. Unlike the
    /// comfortable give-back it needs no spare CPU (a busy async API is at its CPU limit and still holds idle
    /// connections), and it is judged like a move made for throughput: rolled back (and barred, the floor learned) when
    /// it made P99 or throughput worse at similar load. Null when the evidence is not there or the move may not be made
    /// now (cooldown, a bar, a suppressed reversal).
    /// </summary>
    internal static Proposal? IdlePool(DecisionInput input, ObservedWindow w)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(w);
        var c = input.Current;
        var o = input.Spec.Objectives;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb || c.DbMaxPoolSize is not { } p || p <= pb.Min
            || DataSufficiency.Check(w, WindowDuration.Parse(input.Spec.Metrics.Window), o.MaxQueueDepth, input.Now) is not null)
        {
            return null;
        }

        var withMargin = w.P99Ms <= o.P99LatencyMs * Thresholds.ComfortableLatency && !(w.ShareUnderObjective < Thresholds.ShareTarget)
            && !(w.ErrorRate > 1 - Thresholds.ShareTarget);
        var nobodyWaits = Diagnoser.NobodyWaitsForItsSize(w, o, p);
        double[] peaks = [w.PoolInUseMax, .. input.State.PoolPeaks.Take(IdleWindows - 1)];
        if (!withMargin || !nobodyWaits || peaks.Length < IdleWindows || !peaks.All(double.IsFinite))
        {
            return null;
        }

        var peak = peaks.Max();
        if (peak > p * IdleShare)
        {
            return null;
        }

        var floor = KneeMemory.At(input.State, Knob.DbMaxPoolSize, w)?.Floor is { } f ? f + 1 : pb.Min;
        var target = Math.Max(Math.Max(pb.Min, floor), (int)Math.Ceiling(peak * Thresholds.Headroom));
        var to = Math.Max(target, StepBounds.MinDown(p));
        if (to >= p || MoveGuards.Check(input, Knob.DbMaxPoolSize, Direction.Down, DecisionReasons.TrimIdlePool) is not null)
        {
            return null;
        }

        return Proposal.Change(DecisionReasons.TrimIdlePool,
            $"at most {Num.F(peak)} of the pool's {p} connections per pod were in use at any scrape of the last {IdleWindows} windows, "
            + $"with p99 {Num.Ms(w.P99Ms)} under {Num.Pct(Thresholds.ComfortableLatency)} of the {Num.Ms(o.P99LatencyMs)} objective and "
            + (Diagnoser.NobodyWaitsForAConnection(w, o) ? "nobody waiting for a connection: "
                : $"nobody waiting for one to come free (pool wait p99 {Num.Ms(w.PoolWaitP99Ms)} with the pool {Num.Pct(w.PoolUsage)} used at the scrapes "
                    + $"and {Num.Pct(LittleSizing.PoolBusyShare(w, p))} busy by uses x hold time: connections opening or a busy CPU, not too few of them): ")
            + $"the idle connections only reserve max_connections; toward {target} ({Num.F(peak)} x {Num.F(Thresholds.Headroom)}"
            + (floor > pb.Min ? $", above the floor {floor - 1} a lowering was judged worse at" : string.Empty) + "), at most halving it in one step",
            c with { DbMaxPoolSize = to });
    }
}
