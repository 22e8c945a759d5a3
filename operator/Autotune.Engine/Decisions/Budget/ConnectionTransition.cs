namespace Autotune.Engine.Decisions.Budget;

/// <summary>How in-process settings reach the pods, which decides the overlap a pool change costs.</summary>
public enum SwapKind
{
    /// <summary>Each pod swaps its pool live: the old pool's busy connections and the new pool overlap.</summary>
    HotSwap,

    /// <summary>Pods are replaced: surge pods with the new pool run beside old pods with the old pool.</summary>
    Rollout,

    /// <summary>
    /// Each pod swaps its pool live and holds itself to max(old, new) connections while it does (the agent's new pool
    /// opens only as the old one's connections come back; pods advertise it with
    /// <c>autotune_tuning_db_pool_swap_bounded</c>). Surge pods, which start with the new pool, add the new pool each.
    /// </summary>
    BoundedSwap,
}

/// <summary>
/// A change of one ApiTuning's replicas or pool in flight. Its peak counts the rollout surge and the overlap of
/// the old and new pools while a pod swaps its pool: the old pool's busy connections plus the new pool's maximum, or
/// max(old, new) for pods whose agent bounds the swap.
/// </summary>
public sealed record ConnectionTransition
{
    /// <summary>Replicas after the change.</summary>
    public required int TargetReplicas { get; init; }

    /// <summary>Pool size per pod after the change.</summary>
    public required int TargetPoolSize { get; init; }

    /// <summary>How the pool reaches the pods.</summary>
    public SwapKind Swap { get; init; } = SwapKind.HotSwap;

    /// <summary>Busy connections per pod in the old pool when it is swapped (at most the old pool size).</summary>
    public int OldPoolBusyPerPod { get; init; }

    /// <summary>The most connections any moment of the change may hold, the states before and after included.</summary>
    public int PeakDemand(LedgerEntry from)
    {
        ArgumentNullException.ThrowIfNull(from);
        var before = from.SteadyDemand;
        var after = ConnectionMath.Steady(TargetReplicas, from.Surge, TargetPoolSize);
        return Math.Max(Math.Max(before, after), DuringDemand(from));
    }

    /// <summary>Connections held mid-change (the swap or the rollout, or new replicas starting).</summary>
    public int DuringDemand(LedgerEntry from)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (TargetPoolSize == from.PoolSize)
        {
            // Replicas only: pods come and go with the same pool; the larger side is the peak.
            return ConnectionMath.Steady(Math.Max(from.Replicas, TargetReplicas), from.Surge, from.PoolSize);
        }

        var replicas = Math.Max(from.Replicas, TargetReplicas);
        if (Swap == SwapKind.Rollout)
        {
            return ConnectionMath.Steady(replicas, from.Surge, Math.Max(from.PoolSize, TargetPoolSize));
        }

        if (Swap == SwapKind.BoundedSwap)
        {
            return checked((replicas * Math.Max(from.PoolSize, TargetPoolSize)) + (from.Surge * TargetPoolSize));
        }

        var busy = Math.Clamp(OldPoolBusyPerPod, 0, from.PoolSize);
        return checked((replicas * (busy + TargetPoolSize)) + (from.Surge * TargetPoolSize));
    }
}
