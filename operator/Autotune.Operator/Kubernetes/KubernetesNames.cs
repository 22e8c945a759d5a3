namespace Autotune.Operator.Kubernetes;

/// <summary>The names the operator writes into the cluster: annotations, the tuning volume, Event fields.</summary>
public static class KubernetesNames
{
    /// <summary>reportingController of every Event the operator writes.</summary>
    public const string ReportingController = "autotune.dev/operator";

    /// <summary>Pod-template annotation whose change rolls a StatefulSet (or Deployment) of the database.</summary>
    public const string RestartedAt = "autotune.dev/restartedAt";

    /// <summary>Pod-template annotation holding the tuning generation RollingRestart wrote.</summary>
    public const string TuningGeneration = "autotune.dev/tuning-generation";

    /// <summary>Deployment annotation naming the container that runs the app (default: the first one).</summary>
    public const string Container = "autotune.dev/container";

    /// <summary>The pod volume the tuning ConfigMap is mounted from.</summary>
    public const string TuningVolume = "autotune-tuning";

    /// <summary>Where the tuning ConfigMap is mounted in the pods unless configured otherwise (the directory).</summary>
    public const string DefaultTuningMountPath = "/etc/autotune";

    /// <summary>The ConfigMap key, and file name in the mount, of the tuning file.</summary>
    public const string TuningKey = "tuning.json";

    /// <summary>
    /// Annotation by which an object the operator reads or changes on an ApiTuning's behalf (the target, the admin
    /// Secret, the database workload) opts in: a comma-separated list of the ApiTunings in its namespace that may use
    /// it. Only someone who may edit the object can add it, so creating an ApiTuning grants nobody more than they had
    /// (docs/security.md).
    /// </summary>
    public const string AllowTuning = "autotune.dev/allow-tuning";

    /// <summary>Label on everything the operator creates, with the ApiTuning's name.</summary>
    public const string ApiTuningLabel = "autotune.dev/apituning";

    /// <summary>The runtime's own minimum-worker-threads setting, read from the environment as HEX (see docs/kubernetes.md).</summary>
    public const string ForceMinWorkerThreads = "DOTNET_ThreadPool_ForceMinWorkerThreads";

    /// <summary>The tuning ConfigMap's name for an ApiTuning.</summary>
    public static string TuningConfigMap(string apiTuningName) => $"{apiTuningName}-autotune";

    /// <summary>The value under <paramref name="key"/> in labels or annotations, or null.</summary>
    internal static string? Lookup(IDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : null;
}
