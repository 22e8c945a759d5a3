namespace Autotune.Engine.Decisions.Budget;

/// <summary>What one API of a DatabaseBudget asks for, in connections counted as (replicas + surge) x pool.</summary>
/// <param name="Name">The ApiTuning's name.</param>
/// <param name="Weight">Its weight (at least 1).</param>
/// <param name="Min">Connections it is always granted (0: none).</param>
/// <param name="Max">Connections it is never granted more than (null: no bound).</param>
/// <param name="Wants">Connections it asks for now.</param>
public sealed record ShareRequest(string Name, int Weight, int Min, int? Max, int Wants);

/// <summary>What the arbitration gives one API.</summary>
/// <param name="Name">The ApiTuning's name.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Share">Its weighted share were every API to want all it could (within its bounds).</param>
/// <param name="Cap">The most connections it may hold: what it wants, up to its weighted share of what the others leave, within its bounds.</param>
/// <param name="Wants">Connections it asked for.</param>
public sealed record ShareGrant(string Name, int Weight, int Share, int Cap, int Wants);

/// <summary>The arbitration of one budget's connections.</summary>
/// <param name="Capacity">Connections the budget's APIs may share.</param>
/// <param name="Grants">One grant per API, in the order asked.</param>
/// <param name="Infeasible">Why the minimums cannot all be granted (they are then scaled down in proportion), or null.</param>
public sealed record Allocation(int Capacity, IReadOnlyList<ShareGrant> Grants, string? Infeasible)
{
    /// <summary>The grant of one API, if it is in the allocation.</summary>
    public ShareGrant? Of(string name) => Grants.FirstOrDefault(g => g.Name == name);
}
