namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// The reasons a status condition gives (beside the decision reasons a MetricsAvailable or BudgetExhausted condition
/// carries over from the decision), one per state of each <see cref="ConditionTypes"/> type.
/// </summary>
public static class ConditionReasons
{
    /// <summary>Ready: the target is observed and tuned (mode Auto).</summary>
    public const string Tuning = "Tuning";

    /// <summary>Ready: the target is observed and changes are advised (mode Recommend).</summary>
    public const string Recommending = "Recommending";

    /// <summary>Ready: the target is observed and tuning is paused.</summary>
    public const string Paused = "Paused";

    /// <summary>Ready=False: a pass failed before a decision; it is retried with backoff.</summary>
    public const string ReconcileFailed = "ReconcileFailed";

    /// <summary>
    /// Ready=False: an object the ApiTuning names (target, admin Secret, database workload) does not carry the
    /// annotation that lets this ApiTuning use it; the message names the object and the annotation. Nothing is touched.
    /// </summary>
    public const string OptInMissing = "OptInMissing";

    /// <summary>Ready=False: the tuning ConfigMap's name is taken by a ConfigMap the operator did not create for this ApiTuning.</summary>
    public const string ConfigMapNotOwned = "ConfigMapNotOwned";

    /// <summary>Ready=False: an object or key the ApiTuning names does not exist; the message names it.</summary>
    public const string ReferenceNotFound = "ReferenceNotFound";

    /// <summary>Ready=False and InvalidSpec=True: the spec breaks a rule the schema cannot state.</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>InvalidSpec=False.</summary>
    public const string SpecValid = "SpecValid";

    /// <summary>MetricsAvailable=True: the last window had enough scrapes from enough pods.</summary>
    public const string WindowComplete = "WindowComplete";

    /// <summary>MetricsAvailable=False when the decision's own reason does not say why.</summary>
    public const string InsufficientData = "InsufficientData";

    /// <summary>Tuning=True: a change is applied and waits to be confirmed and judged.</summary>
    public const string ChangeInFlight = "ChangeInFlight";

    /// <summary>Tuning=False: no change is in flight.</summary>
    public const string Idle = "Idle";

    /// <summary>BudgetExhausted=False.</summary>
    public const string WithinBudget = "WithinBudget";

    /// <summary>ReplicasManagedElsewhere=False: no autoscaler owns the replicas.</summary>
    public const string ReplicasTunable = "ReplicasTunable";

    /// <summary>ReplicasManagedElsewhere=True: an HPA or ScaledObject owns the replicas.</summary>
    public const string ReplicasManagedElsewhere = "ReplicasManagedElsewhere";

    /// <summary>PendingRestart=True: max_connections is set and waits for a restart.</summary>
    public const string RestartRequired = "RestartRequired";

    /// <summary>PendingRestart=True: a max_connections raise is needed, and the restart policy Never leaves it to the user.</summary>
    public const string RestartPolicyNever = "RestartPolicyNever";

    /// <summary>PendingRestart=Unknown: the database could not be read.</summary>
    public const string DatabaseUnreadable = "DatabaseUnreadable";

    /// <summary>PendingRestart=False.</summary>
    public const string NoRestartPending = "NoRestartPending";
}
