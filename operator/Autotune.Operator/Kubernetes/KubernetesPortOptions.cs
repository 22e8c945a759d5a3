using Autotune.Operator.Kubernetes.Machinery;

namespace Autotune.Operator.Kubernetes;

/// <summary>How the Kubernetes ports behave; one instance is shared by every ApiTuning.</summary>
public sealed record KubernetesPortOptions
{
    /// <summary>The client every pod scrape and Prometheus query goes through.</summary>
    public required HttpClient Http { get; init; }

    /// <summary>Clock for scrape times, condition transitions and Events.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long one pod scrape may take before it counts as timed out (alive but not answering).</summary>
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the tuning ConfigMap is mounted in the pods (the directory).</summary>
    public string TuningMountPath { get; init; } = KubernetesNames.DefaultTuningMountPath;

    /// <summary>How long a database restart (StatefulSet rollout) may take until SHOW answers again.</summary>
    public TimeSpan DatabaseRestartTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the restarted database is polled while it comes back.</summary>
    public TimeSpan DatabaseRestartPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The operator's name in Events (reportingController) and its instance (reportingInstance, the pod name).</summary>
    public string ReportingInstance { get; init; } = Environment.GetEnvironmentVariable("POD_NAME") ?? Environment.MachineName;

    /// <summary>How many times a status write is retried after a 409 Conflict (re-reading the object each time).</summary>
    public int StatusConflictRetries { get; init; } = 5;

    /// <summary>
    /// How long one status write (with its 409 re-reads and retries) or one Event write may take. A status write that
    /// runs out of it is kept and written with the next pass's status, so a pass waits at most this long on an API
    /// server that holds its writes, and no outcome is lost; an Event that runs out of it is dropped (status keeps
    /// the decision it records).
    /// </summary>
    public TimeSpan StatusWriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Told of each write that ran out of <see cref="StatusWriteTimeout"/>: what was written (<c>status</c> or
    /// <c>event</c>) and the ApiTuning's namespace/name. The controller counts and logs it.
    /// </summary>
    public Action<string, string>? WriteTimedOut { get; init; }

    /// <summary>
    /// The controller's watch-backed cache of Deployments, pods, HPAs and ScaledObjects; the ports read from it and
    /// ask the API server only for what it does not hold. Null (ports used on their own): every read is a request.
    /// </summary>
    public IWorkloadCache? Cache { get; init; }
}
