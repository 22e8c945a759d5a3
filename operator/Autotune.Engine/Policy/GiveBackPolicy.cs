using Autotune.Engine.Decisions;
using Autotune.Engine.Diagnosis;
using Autotune.Engine.Guardrails;
using Autotune.Engine.Model;

namespace Autotune.Engine.Policy;

/// <summary>
/// Rule 6: comfortably under the objective for the whole stabilisation window gives capacity back one step at a
/// time: a replica first (if the others can carry its CPU, connections and threads, growing their pool or minimum
/// threads first when they could not), then a quarter of the pool, then a quarter of the minimum threads, never
/// below their budgets or what Little's law asks for.
/// </summary>
internal static class GiveBackPolicy
{
    public static Proposal Propose(DecisionInput input, Finding finding, ObservedWindow w)
    {
        var since = input.State.ComfortableSince;
        var needed = TimeSpan.FromSeconds(Math.Max(0, input.Spec.Behavior.ScaleInStabilizationSeconds));
        var comfortableFor = since is { } s ? input.Now - s : TimeSpan.Zero;
        if (since is null || comfortableFor < needed)
        {
            return Proposal.Hold(DecisionReasons.Stabilizing,
                $"{finding.Summary}; comfortable for {Num.F(comfortableFor.TotalSeconds)} s of the {Num.F(needed.TotalSeconds)} s stabilisation window");
        }

        var why = $"{finding.Summary} for {Num.F(comfortableFor.TotalSeconds)} s";
        var c = input.Current;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas) is { } rb && c.Replicas is { } r && r > rb.Min && r > 1
            && !double.IsNaN(w.CpuUtilization) && w.CpuUtilization * r / (r - 1) <= Thresholds.ScaleInCpu
            && ScaleIn(input, w, why, r) is { } scaleIn)
        {
            return scaleIn;
        }

        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is { } pb && c.DbMaxPoolSize is { } p && p > pb.Min
            && !double.IsNaN(w.PoolUsage))
        {
            var to = Math.Max(pb.Min, Math.Max((int)Math.Ceiling(w.PoolUsage * p * Thresholds.Headroom), (int)Math.Ceiling(p * 0.75)));
            if (to < p)
            {
                return Proposal.Change(DecisionReasons.GiveBackCapacity,
                    $"{why}; the pool is {Num.Pct(w.PoolUsage)} used", c with { DbMaxPoolSize = to });
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
    /// One replica fewer, when the others can carry its CPU (at most 75%, under the 80% that adds replicas, so the
    /// step cannot bounce back at the same load), its connections and its threads. When the per-pod pool or the
    /// minimum threads the remaining pods would need are more than they have, that knob grows first (within its
    /// budget and the connection budget) and the replica goes on a later window; null when neither fits.
    /// </summary>
    private static Proposal? ScaleIn(DecisionInput input, ObservedWindow w, string why, int r)
    {
        var c = input.Current;
        var factor = r / (double)(r - 1);
        var cpuAfter = w.CpuUtilization * factor;
        var usage = double.IsNaN(w.PoolUsage) ? 0 : w.PoolUsage;
        if (usage * factor > Thresholds.ScaleInPoolUsage)
        {
            if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb || c.DbMaxPoolSize is not { } p)
            {
                return null;
            }

            var want = (int)Math.Ceiling(usage * p * factor / Thresholds.ScaleInPoolUsage);
            var to = StepBounds.Bound(Knob.DbMaxPoolSize, p, want, pb);
            return to < want ? null : Proposal.Change(DecisionReasons.GiveBackCapacity,
                $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU but their pools {Num.Pct(usage * factor)} used, "
                + $"so the pool grows to {to} per pod first (connections fall once the replica goes)",
                c with { DbMaxPoolSize = to });
        }

        // Work queued for threads at some scrape, and the threads the pods run now, spread over fewer pods, would be
        // past what the runtime starts at once (the minimum) by as much as starvation in bursts shows: the minimum
        // grows first (a bounded step; the replica goes once it suffices).
        var threadsAfter = Diagnosis.StarvationSignal.ThreadsPeak(w) * factor;
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
        return Proposal.Change(DecisionReasons.GiveBackCapacity,
            $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU", c with { Replicas = Math.Max(rb.Min, r - 1) });
    }
}
