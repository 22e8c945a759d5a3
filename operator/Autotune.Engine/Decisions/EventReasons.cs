namespace Autotune.Engine.Decisions;

/// <summary>
/// The reasons of Events that are not a decision's own (a decision's Event carries its <see cref="DecisionReasons"/>
/// reason): facts a pass met while observing or applying, and what the adapters did on the way.
/// </summary>
public static class EventReasons
{
    /// <summary>The database could not be read; max_connections and the pool are left as they are.</summary>
    public const string DatabaseUnreachable = "DatabaseUnreachable";

    /// <summary>Replicas are advised, not moved: the workload cannot be scaled here (an autoscaler owns them).</summary>
    public const string ReplicasRecommendedOnly = "ReplicasRecommendedOnly";

    /// <summary>A decision could not be applied; it is a hold, and the pass is retried with backoff.</summary>
    public const string ApplyFailed = "ApplyFailed";

    /// <summary>max_connections is set with ALTER SYSTEM and waits for a database restart the policy does not allow now.</summary>
    public const string PendingRestart = "PendingRestart";

    /// <summary>The database was restarted to bring in a new max_connections; the message says what SHOW reads after.</summary>
    public const string RestartedDatabase = "RestartedDatabase";

    /// <summary>The ConfigMap holding the tuning file was created, owned by its ApiTuning.</summary>
    public const string TuningConfigMapCreated = "TuningConfigMapCreated";

    /// <summary>The tuning volume, its mount and the tuning-file variable were added to the target's pod template.</summary>
    public const string TuningVolumeAdded = "TuningVolumeAdded";
}
