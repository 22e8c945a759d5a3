using k8s;


namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>How the controller watches, queues and reconciles.</summary>
public sealed record ControllerOptions
{
    /// <summary>Namespaces to watch; empty watches every namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Reconciles run at once (never two for one ApiTuning).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>How long the server keeps one watch open before the watcher resumes it.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay before reconnecting a failed watch.</summary>
    public TimeSpan WatchBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay before reconnecting a failed watch.</summary>
    public TimeSpan WatchBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First delay before a failed reconcile is retried; it doubles with each failure in a row.</summary>
    public TimeSpan FailureBackoffBase { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest delay before a failed reconcile is retried.</summary>
    public TimeSpan FailureBackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a reconcile in flight may run on after shutdown begins before it is abandoned.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Settings of the Kubernetes ports (scrape timeout, HTTP client, Events' reporting instance).</summary>
    public required KubernetesPortOptions Ports { get; init; }

    /// <summary>Creates an ApiTuning's ports; the Kubernetes ports unless a test supplies others.</summary>
    public Func<IKubernetes, ApiTuningResource, KubernetesPortOptions, KubernetesPortSet> PortFactory { get; init; } = KubernetesPorts.Create;

    /// <summary>The watch settings these options give every watcher.</summary>
    public Machinery.WatchSettings Watch => new(WatchTimeout, WatchBackoffInitial, WatchBackoffMax, Time);
}
