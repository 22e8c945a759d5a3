using Autotune.Engine.Decisions;
using Autotune.Engine.Diagnosis;
using Autotune.Engine.Guardrails;
using Autotune.Engine.Model;

namespace Autotune.Engine.Policy;

/// <summary>
/// Rule 6: comfortably under the objective for the whole stabilisation window gives capacity back one step at a
/// time: a replica first (if the others can carry its CPU and connections), then a quarter of the pool, then a
/// quarter of the minimum threads, never below their budgets or what Little's law asks for.
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
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas) is { } rb && c.Replicas is { } r && r > rb.Min && r > 1)
        {
            var cpuAfter = w.CpuUtilization * r / (r - 1);
            var poolAfter = double.IsNaN(w.PoolUsage) ? 0 : w.PoolUsage * r / (r - 1);
            if (!double.IsNaN(w.CpuUtilization) && cpuAfter <= Thresholds.CpuTarget && poolAfter <= 0.8)
            {
                return Proposal.Change(DecisionReasons.GiveBackCapacity,
                    $"{why}; {r - 1} replicas would run at {Num.Pct(cpuAfter)} CPU", c with { Replicas = Math.Max(rb.Min, r - 1) });
            }
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
}
