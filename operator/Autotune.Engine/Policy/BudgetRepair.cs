using Autotune.Engine.Decisions;
using Autotune.Engine.Guardrails;
using Autotune.Engine.Model;

namespace Autotune.Engine.Policy;

/// <summary>
/// A starting state that already breaks the connection budget is repaired before anything else: every ApiTuning
/// on the server shrinks its pool in proportion (capacity / demand), so the repair is shared fairly.
/// </summary>
internal static class BudgetRepair
{
    /// <summary>A repair proposal, or null when the budget holds.</summary>
    public static Proposal? Propose(DecisionInput input, BudgetContext? budget)
    {
        if (budget is null)
        {
            return null;
        }

        var steady = budget.Ledger.Entries.Sum(e => e.SteadyDemand);
        var capacity = budget.Ledger.Capacity;
        if (steady <= capacity)
        {
            return null;
        }

        var broken = $"the connection budget is broken: pools may open {steady} connections but max_connections {budget.Ledger.EffectiveMaxConnections} "
            + $"minus {budget.Ledger.Reserved} reserved leaves {capacity}";
        var pool = budget.Self.PoolSize;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted, $"{broken}; dbMaxPoolSize is not in the spec, so it cannot be repaired here");
        }

        var share = Math.Max(0, capacity) / (double)steady;
        var to = Math.Max(pb.Min, Math.Min(pool - 1, (int)Math.Floor(pool * share)));
        return to >= pool
            ? Proposal.Hold(DecisionReasons.BudgetExhausted, $"{broken}; the pool is at its budget's minimum {pb.Min}")
            : Proposal.Change(DecisionReasons.RepairBudget,
                $"{broken}; every pool on the server shrinks to {Num.Pct(share)} of its size", input.Current with { DbMaxPoolSize = to });
    }
}
