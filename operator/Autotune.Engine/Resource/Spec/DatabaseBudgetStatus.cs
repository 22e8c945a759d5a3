using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// What the operator reports for a DatabaseBudget (<c>status</c>): the server, its max_connections, what its APIs
/// hold and may hold. Mirrors crds/databasebudget.yaml; written after a pass of a member changes the allocation.
/// </summary>
public sealed record DatabaseBudgetStatus
{
    /// <summary>The metadata.generation of the spec the allocation was computed from.</summary>
    [Range(0L, long.MaxValue)]
    public long? ObservedGeneration { get; init; }

    /// <summary>Standard conditions (Ready; MinimumsInfeasible when the minimums do not fit).</summary>
    [Length(0, 16)]
    public IReadOnlyList<StatusCondition> Conditions { get; init; } = [];

    /// <summary>The server, host:port, as its members read it.</summary>
    [Length(0, 512)]
    public string? Server { get; init; }

    /// <summary>max_connections the server runs with (behind a pooler: the pooler's client limit).</summary>
    [Range(0, int.MaxValue)]
    public int? MaxConnections { get; init; }

    /// <summary>Connections kept out of the APIs' reach: superuser slots, admin connections and the reserve.</summary>
    [Range(0, int.MaxValue)]
    public int? Reserved { get; init; }

    /// <summary>Connections the members' pools may open now: the sum of (replicas + surge) x pool.</summary>
    [Range(0, int.MaxValue)]
    public int? Allocated { get; init; }

    /// <summary>max_connections minus reserved minus allocated (negative when the budget is broken).</summary>
    public int? Free { get; init; }

    /// <summary>One line per API for kubectl get: name=allocated/cap.</summary>
    [Length(0, 4_096)]
    public string? Summary { get; init; }

    /// <summary>Each member's share.</summary>
    [Length(0, DatabaseBudgetSpec.MaxApis)]
    public IReadOnlyList<BudgetApiStatus> Apis { get; init; } = [];
}

/// <summary>One API's part of the allocation.</summary>
public sealed record BudgetApiStatus
{
    /// <summary>The ApiTuning's name.</summary>
    [Length(1, 253)]
    public required string Name { get; init; }

    /// <summary>Its weight.</summary>
    [Range(1, 1_000)]
    public int Weight { get; init; } = 1;

    /// <summary>Its weighted share of the connections the budget arbitrates, were every member to want all it could.</summary>
    [Range(0, int.MaxValue)]
    public int Share { get; init; }

    /// <summary>The most connections it may hold now: what it wants, up to its weighted share of what the others leave, within its bounds.</summary>
    [Range(0, int.MaxValue)]
    public int Cap { get; init; }

    /// <summary>What its pools may open now: (replicas + surge) x pool.</summary>
    [Range(0, int.MaxValue)]
    public int Allocated { get; init; }

    /// <summary>Connections it asked for in its last pass.</summary>
    [Range(0, int.MaxValue)]
    public int Wants { get; init; }
}
