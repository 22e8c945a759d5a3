using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Ports;
using k8s;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>The ports the controller runs one ApiTuning's passes through.</summary>
/// <param name="Workload">The target Deployment.</param>
/// <param name="Metrics">Where the scrape loop reads the pods' metrics.</param>
/// <param name="Settings">Where in-process settings are delivered.</param>
/// <param name="Postgres">The database, when the spec names one with an admin Secret.</param>
/// <param name="Status">The status subresource and Events.</param>
public sealed record ControllerPorts(
    ITargetWorkload Workload,
    IMetricsSource Metrics,
    ISettingsApplier Settings,
    IPostgresAdmin? Postgres,
    KubernetesStatusWriter Status)
{
    /// <summary>The Kubernetes ports of an ApiTuning.</summary>
    public static ControllerPorts Kubernetes(IKubernetes client, ApiTuningResource resource, KubernetesPortOptions options)
    {
        var set = KubernetesPorts.Create(client, resource, options);
        return new ControllerPorts(set.Workload, set.Metrics, set.Settings, set.Postgres, set.Status);
    }
}
