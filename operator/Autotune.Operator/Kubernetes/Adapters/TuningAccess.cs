using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes.Machinery;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// The check a tuning session passes before its ports read or change anything: the target Deployment, the admin
/// Secret and the database workload each opt in to this ApiTuning (<see cref="KubernetesNames.AllowTuning"/>), and
/// the tuning ConfigMap, when it exists, is the operator's. A refusal (<see cref="AccessRefusedException"/>, or
/// <see cref="SafeFailureException"/> for an object that does not exist) names the object and what it lacks. The ports
/// check again when they act (the target on every pass, the Secret whenever it is read, the workload before a
/// restart, the ConfigMap before every write), so an opt-in withdrawn later stops them too.
/// </summary>
public sealed class TuningAccess(IKubernetes client, ApiTuningResource resource, IWorkloadCache? cache = null)
{
    private readonly string _namespace = resource.Metadata.NamespaceProperty;
    private readonly string _name = resource.Metadata.Name;
    private readonly string? _uid = resource.Metadata.Uid;
    private readonly ApiTuningSpec _spec = resource.Spec;

    /// <summary>Returns when every object the ApiTuning names lets it be used; throws the refusal otherwise.</summary>
    public async Task EnsureAllowedAsync(CancellationToken cancellationToken)
    {
        var target = _spec.TargetRef.Name;
        var deployment = cache?.Deployment(_namespace, target)
            ?? await ReadAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(target, _namespace, cancellationToken: cancellationToken), $"Deployment {_namespace}/{target}", "spec.targetRef");
        OptIn.Require(deployment.Metadata, "Deployment", _namespace, target, "spec.targetRef", _name);

        if (_spec.Postgres?.AdminSecretRef is { } secretRef)
        {
            var secret = await ReadAsync(() => client.CoreV1.ReadNamespacedSecretAsync(secretRef.Name, _namespace, cancellationToken: cancellationToken), $"Secret {_namespace}/{secretRef.Name}", "spec.postgres.adminSecretRef");
            OptIn.Require(secret.Metadata, "Secret", _namespace, secretRef.Name, "spec.postgres.adminSecretRef", _name);
        }

        if (_spec.Postgres?.WorkloadRef is { } workload)
        {
            await RequireWorkloadAsync(client, _namespace, workload, _name, cancellationToken);
        }

        if (_spec.Apply.Method == ApplyMethod.HotReload)
        {
            var configMap = KubernetesNames.TuningConfigMap(_name);
            V1ConfigMap map;
            try
            {
                map = await client.CoreV1.ReadNamespacedConfigMapAsync(configMap, _namespace, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (KubeErrors.IsNotFound(ex))
            {
                return; // The operator creates it, owned by the ApiTuning, on its first write.
            }

            OptIn.RequireOwned(map.Metadata, _namespace, configMap, _name, _uid);
        }
    }

    /// <summary>Reads the database workload (a StatefulSet or Deployment) and requires its opt-in to <paramref name="apiTuning"/>.</summary>
    public static async Task RequireWorkloadAsync(IKubernetes client, string @namespace, WorkloadRef workload, string apiTuning, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(workload);
        var what = $"{workload.Kind} {@namespace}/{workload.Name}";
        var metadata = workload.Kind == "Deployment"
            ? (await ReadAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(workload.Name, @namespace, cancellationToken: cancellationToken), what, "spec.postgres.workloadRef")).Metadata
            : (await ReadAsync(() => client.AppsV1.ReadNamespacedStatefulSetAsync(workload.Name, @namespace, cancellationToken: cancellationToken), what, "spec.postgres.workloadRef")).Metadata;
        OptIn.Require(metadata, workload.Kind, @namespace, workload.Name, "spec.postgres.workloadRef", apiTuning);
    }

    private static async Task<T> ReadAsync<T>(Func<Task<T>> read, string what, string role)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            throw OptIn.NotFound(what, role);
        }
    }
}
