namespace Autotune.Contracts;

/// <summary>Environment variables through which the operator and the agent meet inside a process.</summary>
public static class AgentEnvironment
{
    /// <summary>Path of the tuning file the agent watches (in a cluster, inside the mounted tuning ConfigMap).</summary>
    public const string TuningFile = "AUTOTUNE_TUNING_FILE";

    /// <summary>Port of the agent's metrics listener, served from a dedicated thread (default <see cref="DefaultMetricsPort"/>).</summary>
    public const string MetricsPort = "AUTOTUNE_METRICS_PORT";

    /// <summary>Address the metrics listener binds (default all interfaces; loopback in local mode).</summary>
    public const string MetricsAddress = "AUTOTUNE_METRICS_ADDRESS";

    /// <summary>The metrics port used when none is set.</summary>
    public const int DefaultMetricsPort = 9464;

    /// <summary>Path of the metrics endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The key of the tuning ConfigMap that holds the tuning file.</summary>
    public const string ConfigMapKey = "tuning.json";

    /// <summary>
    /// Shedding deadline in milliseconds: a request that waited longer than this before the app got to it is answered
    /// 503 at once (when the app uses the agent's shedding middleware). Unset or 0: no shedding.
    /// </summary>
    public const string ShedAfterMilliseconds = "AUTOTUNE_SHED_AFTER_MS";

    /// <summary>The runtime's own knob for minimum worker threads, read at start-up (for apps without the agent).</summary>
    public const string RuntimeMinWorkerThreads = "DOTNET_ThreadPool_ForceMinWorkerThreads";
}
