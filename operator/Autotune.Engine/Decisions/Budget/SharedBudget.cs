using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Budget;

/// <summary>A DatabaseBudget as a pass sees it: its key and its (validated) spec.</summary>
/// <param name="Namespace">Its namespace (its APIs' namespace).</param>
/// <param name="Name">Its name.</param>
/// <param name="Spec">Its spec.</param>
public sealed record SharedBudget(string Namespace, string Name, DatabaseBudgetSpec Spec)
{
    /// <summary>namespace/name, the key ledger entries carry.</summary>
    public string Id => $"{Namespace}/{Name}";

    /// <summary>
    /// The arbitration of the server's connections among the budget's members: every ledger entry that names this
    /// budget, with <paramref name="self"/> asking for <paramref name="selfWants"/>. What the other ApiTunings on the
    /// server claim (those without this budget) is not theirs to share.
    /// </summary>
    public Allocation Allocate(DatabaseLedger ledger, LedgerEntry self, int selfWants)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(self);
        var members = ledger.Entries.Where(e => e.ApiId != self.ApiId && e.Budget == Id).Append(self with { Wants = selfWants }).ToList();
        var outside = ledger.Entries.Where(e => e.ApiId != self.ApiId && e.Budget != Id).Sum(e => e.Demand);
        var requests = members.Select(e =>
        {
            var name = NameOf(e.ApiId);
            var api = Spec.Apis.FirstOrDefault(a => a.Name == name);
            return new ShareRequest(name, api?.Weight ?? 1, api?.MinConnections ?? 0, api?.MaxConnections, e.Wants ?? e.SteadyDemand);
        }).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        return ConnectionArbiter.Allocate(ledger.Capacity - outside, requests);
    }

    /// <summary>The ApiTuning's name in its key (namespace/name).</summary>
    public static string NameOf(string apiId) => apiId[(apiId.IndexOf('/', StringComparison.Ordinal) + 1)..];
}
