using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Ports;
using k8s;

namespace Autotune.Operator.Kubernetes;

/// <summary>The five ports of one ApiTuning in a cluster (the controller's port factory returns them; tests give fakes).</summary>
/// <param name="Workload">The target Deployment (scale subresource, ready pods, HPA/KEDA detection).</param>
/// <param name="Metrics">Scrapes of the ready pods, or the same series from Prometheus.</param>
/// <param name="Settings">HotReload (the tuning ConfigMap) or RollingRestart (env vars on the pod template).</param>
/// <param name="Postgres">The database over the admin Secret, or null when the spec names no database or no Secret.</param>
/// <param name="Status">The status subresource and events.k8s.io Events.</param>
/// <param name="Access">The opt-in check a session passes before its ports are used (null: nothing to check, as for fakes).</param>
/// <param name="Budget">The DatabaseBudget the spec names (spec.postgres.budgetRef), or null.</param>
public sealed record KubernetesPortSet(
    ITargetWorkload Workload,
    IMetricsSource Metrics,
    ISettingsApplier Settings,
    IPostgresAdmin? Postgres,
    KubernetesStatusWriter Status,
    TuningAccess? Access = null,
    IDatabaseBudget? Budget = null);

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
        var spec = resource.Spec ?? throw new ArgumentException("the ApiTuning has no spec", nameof(resource));
        var ns = resource.Metadata.NamespaceProperty ?? throw new ArgumentException("the ApiTuning has no namespace", nameof(resource));
        var target = spec.TargetRef.Name;

        var status = new KubernetesStatusWriter(client, resource, options);
        var apiTuning = resource.Metadata.Name;
        var workload = new DeploymentWorkload(client, ns, target, apiTuning, spec.Metrics.Port, spec.Metrics.Path, options.Cache);
        IMetricsSource metrics = spec.Metrics is { Source: MetricsSourceKind.Prometheus, Prometheus.Url: { } url }
            ? new PrometheusMetricsSource(options.Http, new Uri(url.EndsWith('/') ? url : url + "/"), PrometheusMetricsSource.DeploymentSelector(ns, target), options.ScrapeTimeout, options.ScrapeTimeout * 2, options.Time)
            : new PodMetricsSource(workload, options.Http, options.ScrapeTimeout, options.Time);
        ISettingsApplier settings = spec.Apply.Method == ApplyMethod.RollingRestart
            ? new PodTemplateEnvApplier(client, ns, target, apiTuning, spec.Apply.PoolSizeEnvVar, options.Cache)
            : new ConfigMapSettingsApplier(client, resource, target, options.TuningMountPath, status, options.Time);
        var postgres = spec.Postgres is { AdminSecretRef: not null } database
            ? new KubernetesPostgresAdmin(client, ns, apiTuning, database, options)
            : null;
        var budget = spec.Postgres is { BudgetRef: not null } shared
            ? new KubernetesDatabaseBudget(client, ns, apiTuning, shared, options.Time)
            : null;
        return new KubernetesPortSet(workload, metrics, settings, postgres, status, new TuningAccess(client, resource, options.Cache), budget);
    }
}
