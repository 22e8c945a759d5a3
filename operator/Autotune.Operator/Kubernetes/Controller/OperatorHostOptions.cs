
namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>What <c>autotune operator</c> is given on its command line.</summary>
public sealed record OperatorHostOptions
{
    /// <summary>Namespaces to watch; empty watches all.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Elect a leader on a Lease before acting (needed whenever more than one instance runs).</summary>
    public bool LeaderElection { get; init; }

    /// <summary>The Lease's name.</summary>
    public string LeaseName { get; init; } = "autotune-operator";

    /// <summary>The Lease's namespace; default the namespace the operator runs in (in-cluster), else default.</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>Port of /healthz, /readyz and /metrics (the operator's own metrics).</summary>
    public int HealthPort { get; init; } = 8081;

    /// <summary>A kubeconfig file; default the in-cluster config, else KUBECONFIG or ~/.kube/config.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Reconciles at once.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>How long one pod scrape may take.</summary>
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one status or Event write may take (a status that runs out of it is written with the next pass).</summary>
    public TimeSpan StatusWriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a reconcile in flight may finish after SIGTERM.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(10);
}
