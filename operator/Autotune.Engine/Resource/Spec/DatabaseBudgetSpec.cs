using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// How the connections of one PostgreSQL server are shared among the ApiTunings that reference this budget
/// (<c>spec</c> of a DatabaseBudget): the server, the connections kept for other clients, and each API's weight and
/// bounds. Mirrors crds/databasebudget.yaml field for field; a test fails when the two drift.
/// </summary>
public sealed record DatabaseBudgetSpec
{
    /// <summary>Most APIs one budget may list.</summary>
    public const int MaxApis = 64;

    /// <summary>The server whose connections are shared.</summary>
    public required BudgetServer Server { get; init; }

    /// <summary>Connections kept free for other clients, on top of superuser_reserved_connections and the admin connections.</summary>
    [Range(0, 10_000)]
    public int ReservedConnections { get; init; } = 10;

    /// <summary>The APIs sharing the server, by ApiTuning name, with their weights and bounds.</summary>
    [Length(1, MaxApis)]
    public required IReadOnlyList<BudgetApi> Apis { get; init; }
}

/// <summary>The server a DatabaseBudget shares: named by the admin Secret its ApiTunings use.</summary>
public sealed record BudgetServer
{
    /// <summary>
    /// The Secret key holding the server's admin connection string. Every ApiTuning in the budget names this same key
    /// in spec.postgres.adminSecretRef; the budget itself never reads it, so it grants no access to the Secret.
    /// </summary>
    public required SecretKeyRef AdminSecretRef { get; init; }
}

/// <summary>One API's part of a DatabaseBudget.</summary>
public sealed record BudgetApi
{
    /// <summary>The ApiTuning's name, in the budget's namespace.</summary>
    [Length(1, 253)]
    [RegularExpression(SpecPatterns.ObjectName, ErrorMessage = SpecPatterns.ObjectNameHint)]
    public required string Name { get; init; }

    /// <summary>Its weight when APIs compete: the connections left are split in proportion to the weights.</summary>
    [Range(1, 1_000)]
    public int Weight { get; init; } = 1;

    /// <summary>Connections ((replicas + surge) x pool) it is always granted, whatever the others want.</summary>
    [Range(0, 1_000_000)]
    public int? MinConnections { get; init; }

    /// <summary>Connections ((replicas + surge) x pool) it is never granted more than.</summary>
    [Range(1, 1_000_000)]
    public int? MaxConnections { get; init; }
}

/// <summary>A reference from an ApiTuning to the DatabaseBudget (in its namespace) that shares its server.</summary>
public sealed record BudgetRef
{
    /// <summary>The DatabaseBudget's name.</summary>
    [Length(1, 253)]
    [RegularExpression(SpecPatterns.ObjectName, ErrorMessage = SpecPatterns.ObjectNameHint)]
    public required string Name { get; init; }
}
