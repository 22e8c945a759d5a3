using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// The status of a DatabaseBudget after a pass of one of its APIs: the server, its max_connections and reserve,
/// what every member's pools may open ((replicas + surge) x pool) and may grow to. Conditions are the host's (they
/// carry times); this is the allocation. Pure.
/// </summary>
public static class BudgetReport
{
    /// <summary>The allocation table from the server's ledger (every member's holding recorded) and the pass's arbitration.</summary>
    public static DatabaseBudgetStatus Of(SharedBudget budget, DatabaseLedger ledger, Allocation allocation, long generation)
    {
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(allocation);
        var members = ledger.Entries.Where(e => e.Budget == budget.Id).ToDictionary(e => SharedBudget.NameOf(e.ApiId), StringComparer.Ordinal);
        var apis = allocation.Grants.Select(g => new BudgetApiStatus
        {
            Name = g.Name,
            Weight = g.Weight,
            Share = g.Share,
            Cap = g.Cap,
            Allocated = members.TryGetValue(g.Name, out var e) ? e.SteadyDemand : 0,
            Wants = g.Wants,
        }).ToList();
        var allocated = ledger.Entries.Sum(e => e.SteadyDemand);
        return new DatabaseBudgetStatus
        {
            ObservedGeneration = generation,
            Server = ledger.Server,
            MaxConnections = ledger.EffectiveMaxConnections,
            Reserved = ledger.Reserved,
            Allocated = allocated,
            Free = ledger.Capacity - allocated,
            Summary = string.Join(" ", apis.Select(a => $"{a.Name}={a.Allocated}/{a.Cap}")),
            Apis = apis,
        };
    }
}
