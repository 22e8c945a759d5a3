using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// Rule 5: CPU saturated over the objective adds replicas (to bring CPU to its target), shrinking per-pod pools
/// first when the connection budget cannot hold the new pods at the current pool size.
/// </summary>
internal static class CpuPolicy
{
    public static Proposal Propose(DecisionInput input, Finding finding, ObservedWindow w, BudgetContext? budget)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas) is not { } rb)
        {
            return Proposal.Hold(DecisionReasons.KnobNotManaged, finding.Summary + "; replicas are not in the spec, so they are not changed");
        }

        if (input.Current.Replicas is not { } from)
        {
            return Proposal.Hold(DecisionReasons.NoData, finding.Summary + "; the current replicas are unknown");
        }

        // CPU cannot read above 100%: when work queues, the demand is arrivals (completions plus the queue's growth),
        // not completions, and the CPU it asks for grows in that proportion.
        var completions = w.Rps / Math.Max(1, w.Pods);
        var demand = completions > 0 ? Math.Max(1, LittleSizing.ArrivalsPerPod(w) / completions) : 1;
        var want = (int)Math.Ceiling(from * w.CpuUtilization * demand / Thresholds.CpuTarget);
        var to = StepBounds.Bound(Knob.Replicas, from, Math.Max(want, from + 1), rb);
        var why = $"{finding.Summary}; {want} replicas bring CPU to {Num.Pct(Thresholds.CpuTarget)}"
            + (demand > 1.01 ? $" (arrivals {Num.F(demand)}x the completions)" : string.Empty);
        if (to <= from)
        {
            return Proposal.Hold(DecisionReasons.AtBudgetLimit, $"{why}; replicas are at their budget's maximum {rb.Max}");
        }

        Settings Replicas(int r) => input.Current with { Replicas = r };
        if (budget is null)
        {
            return Proposal.Change(DecisionReasons.AddReplicas, why, Replicas(to));
        }

        var fit = budget.LargestFitting(input.Current, from, to, Replicas);
        if (fit > from)
        {
            return Proposal.Change(DecisionReasons.AddReplicas, $"{why}; {budget.Note()}", Replicas(fit));
        }

        return ShrinkPoolsForReplicas(input, why, budget, from, to);
    }

    private static Proposal ShrinkPoolsForReplicas(DecisionInput input, string why, BudgetContext budget, int from, int to)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted, $"{why}; {budget.Note()} and dbMaxPoolSize is not in the spec");
        }

        var pool = budget.Self.PoolSize;
        var floor = Math.Max(pb.Min, StepBounds.MinDown(pool));
        for (var r = to; r > from; r--)
        {
            var replicas = r;
            if (Search.Largest(floor, pool - 1, p => budget.Plan(input.Current, input.Current with { Replicas = replicas, DbMaxPoolSize = p }).Fits) is { } p)
            {
                return Proposal.Change(DecisionReasons.ShrinkPoolForReplicas,
                    $"{why}; {budget.Note()}: {r} replicas fit with a pool of {p} per pod, so the pool shrinks first",
                    input.Current with { Replicas = r, DbMaxPoolSize = p });
            }
        }

        return Proposal.Hold(DecisionReasons.BudgetExhausted,
            $"{why}; {budget.Note()}: even a pool of {floor} per pod leaves no room for {from + 1} replicas");
    }
}
