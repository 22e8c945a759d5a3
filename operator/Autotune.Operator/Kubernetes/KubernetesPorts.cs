using Autotune.Operator.Ports;
using k8s;

namespace Autotune.Operator.Kubernetes;

/// <summary>The five ports of one ApiTuning in a cluster.</summary>
/// <param name="Workload">The target Deployment (scale subresource, ready pods, HPA/KEDA detection).</param>
/// <param name="Metrics">Scrapes of the ready pods, or the same series from Prometheus.</param>
/// <param name="Settings">HotReload (the tuning ConfigMap) or RollingRestart (env vars on the pod template).</param>
/// <param name="Postgres">The database over the admin Secret, or null when the spec names no database or no Secret.</param>
/// <param name="Status">The status subresource and events.k8s.io Events.</param>
public sealed record KubernetesPortSet(
    ITargetWorkload Workload,
    IMetricsSource Metrics,
    ISettingsApplier Settings,
    IPostgresAdmin? Postgres,
    IStatusWriter Status);

/// <summary>Creates the ports through which one ApiTuning observes and changes its workload in a cluster.</summary>
public static class KubernetesPorts
{
    /// <summary>
    /// Creates the ports for <paramref name="resource"/>. Nothing is read from the cluster here: every port reads
    /// when it is used, so a missing Deployment, Secret or ConfigMap surfaces in the reconcile that needs it.
    /// </summary>
    public static KubernetesPortSet Create(IKubernetes client, ApiTuningResource resource, KubernetesPortOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(options);
        throw new NotSupportedException("the Kubernetes ports are not built yet");
    }
}
