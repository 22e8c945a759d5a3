namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>Condition reasons (and the one condition type beyond the engine's) the controller writes into status.</summary>
public static class ConditionReasons
{
    /// <summary>Condition type: an HPA or KEDA ScaledObject owns the target's replicas, so they are left alone.</summary>
    public const string ReplicasManagedElsewhere = "ReplicasManagedElsewhere";

    /// <summary>Ready: the spec is valid and the ApiTuning is reconciled.</summary>
    public const string Reconciled = "Reconciled";

    /// <summary>Ready/InvalidSpec: the spec breaks a rule.</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>InvalidSpec=False.</summary>
    public const string SpecValid = "SpecValid";

    /// <summary>MetricsAvailable=True.</summary>
    public const string WindowObserved = "WindowObserved";

    /// <summary>MetricsAvailable=False when no scrape answered.</summary>
    public const string NoMetrics = "NoMetrics";

    /// <summary>Tuning=False.</summary>
    public const string Idle = "Idle";

    /// <summary>BudgetExhausted=False.</summary>
    public const string WithinBudget = "WithinBudget";

    /// <summary>PendingRestart=False.</summary>
    public const string NoRestartPending = "NoRestartPending";

    /// <summary>PendingRestart=True.</summary>
    public const string RestartPending = "RestartPending";

    /// <summary>ReplicasManagedElsewhere=True.</summary>
    public const string AutoscalerOwnsReplicas = "AutoscalerOwnsReplicas";

    /// <summary>ReplicasManagedElsewhere=False.</summary>
    public const string ReplicasTuned = "ReplicasTuned";

    /// <summary>Ready=False when the reconcile failed (target missing, API errors).</summary>
    public const string ReconcileFailed = "ReconcileFailed";
}
