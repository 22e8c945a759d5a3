using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// Orders a change of several knobs so that the connection invariant holds in every intermediate state: pools
/// shrink first, max_connections rises (and is confirmed) before anything grows, replicas shrink before they grow,
/// pools grow after replicas, and max_connections falls last. Each step is checked at its peak, counting the surge
/// and the overlap of old and new pools while pods swap.
/// </summary>
public static class ConnectionPlanner
{
    /// <summary>Plans the move of one ApiTuning from one set of settings to another against its server's ledger.</summary>
    /// <param name="ledger">The ledger of the server (this ApiTuning's own entry is replaced by <paramref name="self"/>).</param>
    /// <param name="self">This ApiTuning's current holding.</param>
    /// <param name="maxConnections">max_connections now and after (null: unchanged).</param>
    /// <param name="target">Replicas and pool after; max_connections from <paramref name="maxConnections"/>.</param>
    /// <param name="swap">How a pool change reaches the pods.</param>
    /// <param name="oldPoolBusyPerPod">Busy connections per pod in the pool being swapped out.</param>
    /// <param name="share">This ApiTuning's grant from its DatabaseBudget: a step that grows it beyond does not fit.</param>
    public static ChangePlan Plan(DatabaseLedger ledger, LedgerEntry self, (int Now, int After)? maxConnections,
        (int Replicas, int Pool) target, SwapKind swap, int oldPoolBusyPerPod, ConnectionShare? share = null)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(self);
        var others = ledger.DemandExcept(self.ApiId);
        var mcNow = maxConnections?.Now ?? ledger.MaxConnections;
        var mcAfter = maxConnections?.After ?? mcNow;
        var steps = new List<PlanStep>();
        var state = self with { Transition = null };
        var mc = Math.Min(mcNow, ledger.PendingMaxConnections ?? mcNow);

        void Move(Knob knob, int from, int to, int replicas, int pool, int mcDuring)
        {
            var transition = new ConnectionTransition
            {
                TargetReplicas = replicas,
                TargetPoolSize = pool,
                Swap = swap,
                OldPoolBusyPerPod = Math.Min(oldPoolBusyPerPod, state.PoolSize),
            };
            var peak = others + (state with { Transition = transition }).Demand;
            steps.Add(new PlanStep(knob, from, to, peak, mcDuring - ledger.Reserved)
            {
                SelfDemand = ConnectionMath.Steady(replicas, state.Surge, pool),
                Share = share,
            });
            state = state with { Replicas = replicas, PoolSize = pool };
        }

        if (target.Pool < state.PoolSize)
        {
            Move(Knob.DbMaxPoolSize, state.PoolSize, target.Pool, state.Replicas, target.Pool, mc);
        }

        if (mcAfter > mcNow)
        {
            steps.Add(new PlanStep(Knob.PostgresMaxConnections, mcNow, mcAfter, others + state.SteadyDemand, mc - ledger.Reserved));
            mc = mcAfter;
        }

        if (target.Replicas != state.Replicas)
        {
            Move(Knob.Replicas, state.Replicas, target.Replicas, target.Replicas, state.PoolSize, mc);
        }

        if (target.Pool > state.PoolSize)
        {
            Move(Knob.DbMaxPoolSize, state.PoolSize, target.Pool, state.Replicas, target.Pool, mc);
        }

        if (mcAfter < mcNow)
        {
            mc = Math.Min(mc, mcAfter);
            steps.Add(new PlanStep(Knob.PostgresMaxConnections, mcNow, mcAfter, others + state.SteadyDemand, mc - ledger.Reserved));
        }

        return new ChangePlan(steps);
    }

    /// <summary>The claim of the plan's first step: this ApiTuning's entry with the step in flight.</summary>
    public static LedgerEntry Claim(LedgerEntry self, PlanStep first, SwapKind swap, int oldPoolBusyPerPod)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(first);
        return first.Knob switch
        {
            Knob.Replicas => self with { Transition = new() { TargetReplicas = first.To, TargetPoolSize = self.PoolSize, Swap = swap } },
            Knob.DbMaxPoolSize => self with
            {
                Transition = new()
                {
                    TargetReplicas = self.Replicas,
                    TargetPoolSize = first.To,
                    Swap = swap,
                    OldPoolBusyPerPod = Math.Min(oldPoolBusyPerPod, self.PoolSize),
                },
            },
            _ => self with { Transition = null },
        };
    }
}
