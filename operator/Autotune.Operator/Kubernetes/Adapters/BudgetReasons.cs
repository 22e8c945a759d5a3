namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>The condition types and reasons of a DatabaseBudget's status.</summary>
public static class BudgetReasons
{
    /// <summary>Ready=True: the allocation is current.</summary>
    public const string Allocated = "Allocated";

    /// <summary>The condition type (and its True reason) when the minimums exceed what the server offers.</summary>
    public const string MinimumsInfeasible = "MinimumsInfeasible";

    /// <summary>MinimumsInfeasible=False.</summary>
    public const string MinimumsFit = "MinimumsFit";
}
