namespace Autotune.Engine.Resource.Spec;

/// <summary>The condition types an ApiTuning reports.</summary>
public static class ConditionTypes
{
    /// <summary>The spec is valid, the target exists and the operator is tuning or holding by choice.</summary>
    public const string Ready = "Ready";

    /// <summary>The last metrics window had enough scrapes from enough pods to judge.</summary>
    public const string MetricsAvailable = "MetricsAvailable";

    /// <summary>A change is in flight (applied, not yet confirmed and judged).</summary>
    public const string Tuning = "Tuning";

    /// <summary>The service needs more than the knob budgets or the connection budget allow.</summary>
    public const string BudgetExhausted = "BudgetExhausted";

    /// <summary>The spec breaks a rule the schema cannot state; the message says what to fix.</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>max_connections was changed and waits for a database restart.</summary>
    public const string PendingRestart = "PendingRestart";

    /// <summary>An HPA or ScaledObject owns the target's replicas: the operator advises replicas and moves the rest.</summary>
    public const string ReplicasManagedElsewhere = "ReplicasManagedElsewhere";
}
