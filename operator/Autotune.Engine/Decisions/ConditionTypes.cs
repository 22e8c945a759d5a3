namespace Autotune.Engine.Decisions;

/// <summary>The condition types of an ApiTuning's status, all in one place.</summary>
public static class ConditionTypes
{
    /// <summary>The ApiTuning is valid and being served.</summary>
    public const string Ready = "Ready";

    /// <summary>A usable metrics window was read.</summary>
    public const string MetricsAvailable = "MetricsAvailable";

    /// <summary>A change is in flight or was just decided.</summary>
    public const string Tuning = "Tuning";

    /// <summary>The connection budget stops the change the service needs.</summary>
    public const string BudgetExhausted = "BudgetExhausted";

    /// <summary>The spec cannot be served as written.</summary>
    public const string InvalidSpec = "InvalidSpec";

    /// <summary>max_connections was changed and the server awaits a restart.</summary>
    public const string PendingRestart = "PendingRestart";
}
