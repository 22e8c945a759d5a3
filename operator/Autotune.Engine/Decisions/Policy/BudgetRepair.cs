using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// A starting state that already breaks the connection budget is repaired before anything else: by raising
/// max_connections where the spec allows it with an immediate restart and its budget suffices; otherwise every
/// ApiTuning on the server shrinks its pool in proportion (capacity / demand), so the repair is shared fairly.
/// </summary>
internal static class BudgetRepair
{
    /// <summary>A repair proposal, or null when the budget holds.</summary>
    public static Proposal? Propose(DecisionInput input, Finding finding, BudgetContext? budget)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (budget is null)
        {
            return null;
        }

        var steady = budget.Ledger.Entries.Sum(e => e.SteadyDemand);
        var capacity = budget.Ledger.Capacity;
        if (steady <= capacity)
        {
            return YieldShare(input, budget);
        }

        var broken = $"the connection budget is broken: pools may open {steady} connections but max_connections {budget.Ledger.EffectiveMaxConnections} "
            + $"minus {budget.Ledger.Reserved} reserved leaves {capacity}";
        var pool = budget.Self.PoolSize;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted, $"{broken}; dbMaxPoolSize is not in the spec, so it cannot be repaired here");
        }

        if (RaiseMaxConnections(input, finding, budget, steady, broken, pb) is { } raise)
        {
            return raise;
        }

        // A pool that starts above its own budget comes at least into it: the user's maximum is a bound the repair may
        // reach at once (a start of pool 100 under a budget of 2..40 once held for ever, "97 is outside the budget").
        var share = Math.Max(0, capacity) / (double)steady;
        var to = Math.Max(pb.Min, Math.Min(Math.Min(pool - 1, pb.Max), (int)Math.Floor(pool * share)));
        return to >= pool
            ? Proposal.Hold(DecisionReasons.BudgetExhausted, $"{broken}; the pool is at its budget's minimum {pb.Min}")
            : Proposal.Change(DecisionReasons.RepairBudget,
                $"{broken}; every pool on the server shrinks to {Num.Pct(share)} of its size", input.Current with { DbMaxPoolSize = to });
    }

    /// <summary>
    /// An ApiTuning holding more than its DatabaseBudget now grants it (another API's demand grew, and its weight
    /// entitles it to connections this one holds) gives them back first, by lowering its pool to what the grant
    /// holds: a lowered pool is a step that never needs connections, so the other API grows once it is confirmed.
    /// </summary>
    private static Proposal? YieldShare(DecisionInput input, BudgetContext budget)
    {
        if (budget.Share is not { } share || budget.Self.SteadyDemand <= share.Cap)
        {
            return null;
        }

        var self = budget.Self;
        var over = $"this API holds {self.SteadyDemand} connections ({self.Replicas} replicas + {self.Surge} surge) x pool {self.PoolSize}, "
            + $"more than the {share.Cap} DatabaseBudget {share.Budget} grants it now (weight {share.Weight}; weighted share {share.Share})";
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } pb)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted, $"{over}; dbMaxPoolSize is not in the spec, so it is not given back");
        }

        var pods = Math.Max(1, self.Replicas + self.Surge);
        var to = Math.Max(pb.Min, Math.Min(self.PoolSize - 1, share.Cap / pods));
        return to >= self.PoolSize
            ? Proposal.Hold(DecisionReasons.BudgetExhausted, $"{over}; the pool is at its budget's minimum {pb.Min}")
            : Proposal.Change(DecisionReasons.RepairBudget, $"{over}; the pool gives back to {to} per pod, {pods * to} in all",
                input.Current with { DbMaxPoolSize = to });
    }

    /// <summary>
    /// Where the spec lets max_connections rise through an immediate restart and its budget holds every pool, the
    /// repair raises it to the smallest value that does: shrinking the pools would cost every API on the server
    /// throughput now, and a pool that then runs short asks for the same restart anyway. When this API's pool is what
    /// the window found short, the same restart leaves room for the pool the demand asks for
    /// (<see cref="LittleSizing.DemandPool"/>, within the pool's budget and one step of max_connections): the pool
    /// then grows without a restart of its own (measured in the proof's max_connections profile: a repair to 30 for
    /// pools of 8, then restarts to 54 and 99 as the pools grew).
    /// </summary>
    private static Proposal? RaiseMaxConnections(DecisionInput input, Finding finding, BudgetContext budget, int steady, string broken, KnobBudget poolBudget)
    {
        if (input.Spec.Postgres?.Restart != RestartPolicy.Immediate
            || StepBounds.BudgetOf(input.Spec.Knobs, Knob.PostgresMaxConnections) is not { Mode: KnobMode.Auto } mcBudget)
        {
            return null;
        }

        // The raise is checked after the restart: what every pool may open plus the reserve must fit the new value
        // (during it the pools hold what they already hold; the plan of any later change starts from there).
        var from = input.Current.PostgresMaxConnections ?? budget.Ledger.MaxConnections;
        var to = Math.Max(from + 1, steady + budget.Ledger.Reserved);
        var most = StepBounds.Bound(Knob.PostgresMaxConnections, from, mcBudget.Max, mcBudget);
        if (to > most)
        {
            return null;
        }

        var pool = budget.Self.PoolSize;
        var ahead = string.Empty;
        if (finding.Bottleneck == Bottleneck.PoolExhaustion && input.Window is { } w
            && LittleSizing.DemandPool(w, input.State.Baseline) is { } demand && Math.Min(demand, poolBudget.Max) is var goal && goal > pool
            && Search.Largest(pool + 1, goal, p => budget.NextStepFits(pool, most, p)) is { } reach
            && Search.Smallest(to, most, m => budget.NextStepFits(pool, m, reach)) is { } room && room > to)
        {
            // Room for the pool's step toward its demand beside every other pool, swap overlap included.
            to = room;
            ahead = $", and this API's pool, short in this window, can then grow to {reach} (its demand asks for {goal}) without another restart";
        }

        return Proposal.Change(DecisionReasons.RepairBudget,
            $"{broken}; max_connections rises to {to} so that every pool keeps its size{ahead} (restart Immediate)", input.Current with { PostgresMaxConnections = to });
    }
}
