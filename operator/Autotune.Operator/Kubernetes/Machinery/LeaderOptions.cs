
namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>Leader election on a coordination.k8s.io Lease.</summary>
public sealed record LeaderOptions
{
    /// <summary>
    /// Whether to elect a leader at all. Off, the one instance reconciles from the start and touches no Lease (one
    /// replica, replaced with the Recreate strategy, never overlaps another); on, only the Lease's holder acts.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The Lease's name.</summary>
    public string LeaseName { get; init; } = "autotune-operator";

    /// <summary>The Lease's namespace (the operator's own).</summary>
    public string LeaseNamespace { get; init; } = "default";

    /// <summary>This instance's identity in the Lease: the pod name.</summary>
    public string Identity { get; init; } = DefaultIdentity();

    /// <summary>How long a Lease not renewed stays with its holder.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the leader keeps trying to renew before it gives the lead up.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often candidates try to take the Lease and the leader renews it.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The pod name (POD_NAME, set from the downward API), else the host name.</summary>
    public static string DefaultIdentity() =>
        Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : Environment.MachineName;
}
