using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// What one ApiTuning holds on a database server: its pods, their surge and pool size, and, while a change is in
/// flight, the change (so its transitional peak stays claimed until it is confirmed).
/// </summary>
public sealed record LedgerEntry
{
    /// <summary>The ApiTuning, as namespace/name.</summary>
    public required string ApiId { get; init; }

    /// <summary>Replicas now.</summary>
    public required int Replicas { get; init; }

    /// <summary>Extra pods a rollout may add (the Deployment's maxSurge).</summary>
    public int Surge { get; init; }

    /// <summary>Npgsql Maximum Pool Size per pod now.</summary>
    public required int PoolSize { get; init; }

    /// <summary>The change in flight, if any.</summary>
    public ConnectionTransition? Transition { get; init; }

    /// <summary>The DatabaseBudget (namespace/name) the ApiTuning is arbitrated by, if any.</summary>
    public string? Budget { get; init; }

    /// <summary>Connections ((replicas + surge) x pool) its last pass asked for; null: what it holds.</summary>
    public int? Wants { get; init; }

    /// <summary>Connections the steady state may open: (replicas + surge) x pool.</summary>
    public int SteadyDemand => ConnectionMath.Steady(Replicas, Surge, PoolSize);

    /// <summary>Connections claimed: the steady demand, or the peak of the change in flight.</summary>
    public int Demand => Transition is null ? SteadyDemand : Transition.PeakDemand(this);

    /// <summary>What settings hold: null when replicas or the pool is unknown.</summary>
    public static LedgerEntry? Of(string apiId, Settings settings, ApiTuningSpec spec)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(spec);
        return settings is { Replicas: { } replicas, DbMaxPoolSize: { } pool }
            ? new LedgerEntry { ApiId = apiId, Replicas = replicas, Surge = Math.Max(0, spec.Apply.MaxSurge), PoolSize = pool, Budget = BudgetOf(apiId, spec) }
            : null;
    }

    /// <summary>The key (namespace/name) of the DatabaseBudget the spec names, in the ApiTuning's namespace.</summary>
    public static string? BudgetOf(string apiId, ApiTuningSpec spec)
    {
        ArgumentNullException.ThrowIfNull(apiId);
        ArgumentNullException.ThrowIfNull(spec);
        var slash = apiId.IndexOf('/', StringComparison.Ordinal);
        return spec.Postgres?.BudgetRef is { } budget ? $"{(slash < 0 ? string.Empty : apiId[..slash])}/{budget.Name}" : null;
    }
}
