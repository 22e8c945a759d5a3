using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>This ApiTuning's place in its server's ledger, and the plans it can afford.</summary>
internal sealed class BudgetContext
{
    private BudgetContext(DatabaseLedger ledger, LedgerEntry self, SwapKind swap, int busy, ConnectionShare? share)
    {
        Share = share;
        Ledger = ledger;
        Self = self;
        Swap = swap;
        BusyPerPod = busy;
    }

    /// <summary>The ledger with this ApiTuning's entry rebuilt from its current settings.</summary>
    public DatabaseLedger Ledger { get; }

    /// <summary>This ApiTuning's grant from its DatabaseBudget, or null when it has none.</summary>
    public ConnectionShare? Share { get; }

    /// <summary>This ApiTuning's holding.</summary>
    public LedgerEntry Self { get; }

    /// <summary>How a pool change reaches the pods.</summary>
    public SwapKind Swap { get; }

    /// <summary>Busy connections per pod in the pool now (the old pool's share of a swap).</summary>
    public int BusyPerPod { get; }

    /// <summary>Connections left for growth.</summary>
    public int Free => Ledger.Free;

    /// <summary>The context, or null when the ApiTuning is not budgeted (no ledger, or replicas or pool unknown).</summary>
    public static BudgetContext? For(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Ledger is not { } ledger || LedgerEntry.Of(input.ApiId, input.Current, input.Spec) is not { } self)
        {
            return null;
        }

        var p = self.PoolSize;
        var usage = input.Window?.PoolUsage ?? double.NaN;

        // The busy share of the old pool when a pod swaps it; unknown usage counts the whole pool as busy.
        var busy = double.IsNaN(usage) ? p : (int)Math.Ceiling(Math.Clamp(usage, 0, 1) * p);
        var swap = SwapOf(input);
        var reserved = Math.Max(ledger.ReservedConnections, input.Spec.Postgres?.ReservedConnections ?? 0);
        return new BudgetContext(ledger.With(self) with { ReservedConnections = reserved }, self, swap, busy, input.Share);
    }

    /// <summary>
    /// How a pool change reaches the pods: a rollout, or a live swap, counted at max(old, new) per pod only when every
    /// pod in the window says its agent bounds the swap (an older agent, or a pod not heard from, keeps the old pool's
    /// busy connections plus the new pool).
    /// </summary>
    public static SwapKind SwapOf(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Spec.Apply.Method == ApplyMethod.RollingRestart)
        {
            return SwapKind.Rollout;
        }

        return input.Window is { EveryPodBoundsSwap: true } ? SwapKind.BoundedSwap : SwapKind.HotSwap;
    }

    /// <summary>The plan from now to the target settings.</summary>
    public ChangePlan Plan(Settings current, Settings target)
    {
        var mcNow = current.PostgresMaxConnections ?? Ledger.MaxConnections;
        var mcAfter = target.PostgresMaxConnections ?? mcNow;
        return ConnectionPlanner.Plan(Ledger, Self, (mcNow, mcAfter),
            (target.Replicas ?? Self.Replicas, target.DbMaxPoolSize ?? Self.PoolSize), Swap, BusyPerPod, Share);
    }

    /// <summary>
    /// Whether a pool of <paramref name="pool"/> per pod, every connection busy, under max_connections
    /// <paramref name="maxConnections"/>, could then rise to <paramref name="next"/> with no restart: the step a
    /// max_connections raise leaves room for, swap overlap included.
    /// </summary>
    public bool NextStepFits(int pool, int maxConnections, int next) =>
        ConnectionPlanner.Plan(Ledger, Self with { PoolSize = pool, Transition = null }, (maxConnections, maxConnections), (Self.Replicas, next), Swap, pool, Share).Fits;

    /// <summary>The largest value in (from, want] for which the plan to <paramref name="make"/>(value) fits; from when none does.</summary>
    /// <remarks>The connections a plan needs grow with the value, so a binary search finds it.</remarks>
    public int LargestFitting(Settings current, int from, int want, Func<int, Settings> make) =>
        Search.Largest(from + 1, want, v => Plan(current, make(v)).Fits) ?? from;

    /// <summary>"database has 61 free connections (max_connections 200, reserved 10)", and the budget's grant when there is one.</summary>
    public string Note() =>
        $"database has {Free} free connections (max_connections {Ledger.EffectiveMaxConnections}, reserved {Ledger.Reserved})"
        + (Share is { } share ? $"; {share.Note()}, it holds {Self.SteadyDemand}" : string.Empty);

    /// <summary>Connections ((replicas + surge) x pool) of this ApiTuning with <paramref name="replicas"/> and <paramref name="pool"/>.</summary>
    public int SteadyWith(int replicas, int pool) => ConnectionMath.Steady(replicas, Self.Surge, pool);
}
