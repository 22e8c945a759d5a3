using Autotune.Contracts;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Pass;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// HotReload: the tuning file lives in a ConfigMap the operator owns (owner reference to the ApiTuning, so it goes
/// when the ApiTuning goes), mounted as a directory into the app's pods. The kubelet refreshes a mounted ConfigMap
/// within about a minute and the agent applies the file live, reporting its generation; a change counts as applied
/// only once every pod reports it (the engine's confirmation). The first time it writes, the volume, the mount and
/// AUTOTUNE_TUNING_FILE are added to the Deployment when missing (one rollout), with an Event saying so.
/// A ConfigMap of that name that the operator did not create for this ApiTuning (no controller owner reference with
/// its UID) is never read or written: <see cref="AccessRefusedException"/>. The Deployment is patched only while it
/// opts in to the ApiTuning (<see cref="OptIn"/>).
/// </summary>
public sealed class ConfigMapSettingsApplier(IKubernetes client, ApiTuningResource owner, string deployment, string mountPath, IStatusWriter events, TimeProvider time) : ISettingsApplier
{
    // Only the owner's identity is kept, not the resource: a session lives as long as its ApiTuning, and the object it
    // was created from would stay reachable from here for all that time beside the watch cache's newer copy.
    private readonly string _namespace = owner.Metadata.NamespaceProperty;
    private readonly string _owner = owner.Metadata.Name;
    private readonly V1OwnerReference _ownerReference = OwnerReference(owner);
    private readonly string _configMap = KubernetesNames.TuningConfigMap(owner.Metadata.Name);

    /// <summary>The ConfigMap's name.</summary>
    public string ConfigMapName => _configMap;

    /// <summary>The path the agent reads the tuning file from inside the pods.</summary>
    public string TuningFilePath => mountPath.TrimEnd('/') + "/" + KubernetesNames.TuningKey;

    /// <inheritdoc />
    public async Task<TuningFile?> ReadAsync(CancellationToken cancellationToken)
    {
        V1ConfigMap map;
        try
        {
            map = await client.CoreV1.ReadNamespacedConfigMapAsync(_configMap, _namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            return null;
        }

        OptIn.RequireOwned(map.Metadata, _namespace, _configMap, _owner, _ownerReference.Uid);
        return map.Data?.TryGetValue(KubernetesNames.TuningKey, out var text) == true && TuningFile.TryParse(text, out var file, out _) ? file : null;
    }

    /// <inheritdoc />
    public async Task ApplyAsync(TuningFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Validate() is { } error)
        {
            throw new ArgumentException($"refusing to write an invalid tuning file: {error}", nameof(file));
        }

        await WriteConfigMapAsync(file.ToJson(), cancellationToken);
        await EnsureMountedAsync(cancellationToken);
    }

    private async Task WriteConfigMapAsync(string json, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string> { [KubernetesNames.TuningKey] = json };
        V1ConfigMap? existing;
        try
        {
            existing = await client.CoreV1.ReadNamespacedConfigMapAsync(_configMap, _namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            existing = null; // First write: create it below.
        }

        if (existing is not null)
        {
            // Only the operator's own ConfigMap is patched; the patch carries the resourceVersion read, so a ConfigMap
            // replaced in between (by one the operator does not own) is answered 409, not overwritten.
            OptIn.RequireOwned(existing.Metadata, _namespace, _configMap, _owner, _ownerReference.Uid);
            var patch = new V1Patch(KubernetesJson.Serialize(new { metadata = new { resourceVersion = existing.Metadata.ResourceVersion }, data }), V1Patch.PatchType.MergePatch);
            await client.CoreV1.PatchNamespacedConfigMapAsync(patch, _configMap, _namespace, cancellationToken: cancellationToken);
            return;
        }

        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = _configMap,
                NamespaceProperty = _namespace,
                Labels = new Dictionary<string, string> { [KubernetesNames.ApiTuningLabel] = _owner },
                OwnerReferences = [_ownerReference],
            },
            Data = data,
        };
        await client.CoreV1.CreateNamespacedConfigMapAsync(map, _namespace, cancellationToken: cancellationToken);
        await events.EventAsync(new TuningEvent(time.GetUtcNow(), TuningEvent.Normal, EventReasons.TuningConfigMapCreated,
            $"Created ConfigMap {_configMap} holding the tuning file, owned by ApiTuning {_owner}"), cancellationToken);
    }

    /// <summary>Adds the volume, mount and env var to the Deployment when any is missing; retries once on a concurrent change.</summary>
    private async Task EnsureMountedAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var target = await client.AppsV1.ReadNamespacedDeploymentAsync(deployment, _namespace, cancellationToken: cancellationToken);
            OptIn.Require(target.Metadata, "Deployment", _namespace, deployment, "spec.targetRef", _owner);
            var patch = new PodTemplatePatch(target.Metadata, target.Spec.Template, KubernetesNames.Lookup(target.Metadata.Annotations, KubernetesNames.Container));
            patch.EnsureVolume(new V1Volume
            {
                Name = KubernetesNames.TuningVolume,
                ConfigMap = new V1ConfigMapVolumeSource { Name = _configMap, Optional = true },
            });
            patch.EnsureVolumeMount(new V1VolumeMount { Name = KubernetesNames.TuningVolume, MountPath = mountPath, ReadOnlyProperty = true });
            patch.SetEnv(AgentEnvironment.TuningFile, TuningFilePath);
            if (!patch.HasChanges)
            {
                return;
            }

            try
            {
                await client.AppsV1.PatchNamespacedDeploymentAsync(patch.ToPatch(), deployment, _namespace, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (KubeErrors.IsConflict(ex) && attempt < 2)
            {
                continue;
            }

            await events.EventAsync(new TuningEvent(time.GetUtcNow(), TuningEvent.Normal, EventReasons.TuningVolumeAdded,
                $"Added volume {KubernetesNames.TuningVolume} (ConfigMap {_configMap}) mounted at {mountPath} and {AgentEnvironment.TuningFile}={TuningFilePath} to container {patch.Container.Name} of Deployment {deployment}; its pods roll once"), cancellationToken);
            return;
        }
    }

    /// <summary>The owner reference that ties what the operator creates to its ApiTuning.</summary>
    public static V1OwnerReference OwnerReference(ApiTuningResource owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new V1OwnerReference
        {
            ApiVersion = ApiTuningResource.GroupVersion,
            Kind = ApiTuningResource.KindName,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
            Controller = true,
        };
    }
}
