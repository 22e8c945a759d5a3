using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes.Machinery;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// The target Deployment: its replicas through the scale subresource and its ready pods (by the Deployment's own
/// selector) with the URL of each pod's metrics endpoint. When a HorizontalPodAutoscaler or a KEDA ScaledObject
/// targets the Deployment, it owns the replicas: <see cref="WorkloadState.CanScale"/> is false with the reason, and
/// <see cref="ScaleAsync"/> refuses. With the controller's <see cref="IWorkloadCache"/> every read comes from its
/// watches (no request in a steady-state pass); without one, or for what it does not hold yet, from the API server.
/// Every read of the Deployment checks that it opts in to <paramref name="apiTuning"/> (<see cref="OptIn"/>): nothing
/// is read from its pods or scaled otherwise.
/// </summary>
public sealed class DeploymentWorkload(IKubernetes client, string @namespace, string name, string apiTuning, int metricsPort, string metricsPath, IWorkloadCache? cache = null) : ITargetWorkload
{
    private const string KedaGroup = ScaledObjectResource.Group;
    private const string KedaVersion = ScaledObjectResource.Version;
    private const string KedaPlural = ScaledObjectResource.Plural;

    private V1LabelSelector? _selector;

    /// <inheritdoc />
    public async Task<WorkloadState> ReadAsync(CancellationToken cancellationToken)
    {
        var deployment = await DeploymentAsync(cancellationToken);
        var pods = await ReadyPodsAsync(cancellationToken);
        var owner = await ReplicaOwnerAsync(cancellationToken);
        return new WorkloadState(
            deployment.Spec?.Replicas ?? 1,
            pods.Count,
            pods,
            owner is null,
            owner is null ? null : $"replicas of Deployment {name} are managed by {owner}; autotune leaves them alone and tunes the other knobs");
    }

    /// <inheritdoc />
    public async Task ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        if (await ReplicaOwnerAsync(cancellationToken) is { } owner)
        {
            throw new SafeFailureException(ConditionReasons.ReconcileFailed, $"replicas of Deployment {name} are managed by {owner}; not scaling");
        }

        await DeploymentAsync(cancellationToken); // The opt-in, checked again right before the change.

        var patch = new V1Patch(KubernetesJson.Serialize(new { spec = new { replicas } }), V1Patch.PatchType.MergePatch);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(patch, name, @namespace, cancellationToken: cancellationToken);
    }

    /// <summary>The HPA or ScaledObject that owns the Deployment's replicas ("HorizontalPodAutoscaler x"), or null.</summary>
    public async Task<string?> ReplicaOwnerAsync(CancellationToken cancellationToken)
    {
        IEnumerable<V2HorizontalPodAutoscaler> hpas = cache?.Autoscalers(@namespace)
            ?? (IEnumerable<V2HorizontalPodAutoscaler>)(await client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(@namespace, cancellationToken: cancellationToken)).Items;
        var hpa = hpas.FirstOrDefault(h => Targets(h.Spec?.ScaleTargetRef?.Kind, h.Spec?.ScaleTargetRef?.ApiVersion, h.Spec?.ScaleTargetRef?.Name));
        if (hpa is not null)
        {
            return $"HorizontalPodAutoscaler {hpa.Metadata.Name}";
        }

        if (cache?.ScaledObjects(@namespace) is { } cached)
        {
            var owner = cached.FirstOrDefault(o => o.Spec?.ScaleTargetRef is { } t && Targets(t.Kind ?? "Deployment", t.ApiVersion, t.Name));
            return owner is null ? null : $"KEDA ScaledObject {owner.Metadata.Name}";
        }

        JsonElement scaledObjects;
        try
        {
            scaledObjects = (JsonElement)await client.CustomObjects.ListNamespacedCustomObjectAsync(KedaGroup, KedaVersion, @namespace, KedaPlural, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            return null; // KEDA is not installed: no ScaledObject can own the replicas.
        }

        if (!scaledObjects.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("spec", out var spec) && spec.TryGetProperty("scaleTargetRef", out var target)
                && Targets(Text(target, "kind") ?? "Deployment", Text(target, "apiVersion"), Text(target, "name")))
            {
                return $"KEDA ScaledObject {Text(item.GetProperty("metadata"), "name")}";
            }
        }

        return null;
    }

    private bool Targets(string? kind, string? apiVersion, string? targetName) =>
        kind == "Deployment" && targetName == name && (apiVersion is null || apiVersion.StartsWith("apps/", StringComparison.Ordinal));

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The ready pods, by the Deployment's selector (read once and refreshed by every <see cref="ReadAsync"/>).</summary>
    public async Task<IReadOnlyList<PodEndpoint>> ReadyPodsAsync(CancellationToken cancellationToken)
    {
        if (_selector is null)
        {
            await DeploymentAsync(cancellationToken);
        }

        var selector = _selector!;
        IEnumerable<V1Pod> pods = cache?.Pods(@namespace, selector)
            ?? (IEnumerable<V1Pod>)(await client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: LabelSelectors.Format(selector), cancellationToken: cancellationToken)).Items;
        return [.. pods
            .Where(IsReady)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => new PodEndpoint(p.Metadata.Name, MetricsUrl(p.Status.PodIP), CpuCores(p)))];
    }

    /// <summary>
    /// The app container's CPU limit, else its request, in cores: what "CPU saturated" means for the pod. Without it the
    /// runtime's processor count is all there is, which a request without a limit does not change (the process sees
    /// every core of the node) and a limit rounds up to whole cores. The app container is the one that declares the
    /// metrics port, else the first.
    /// </summary>
    internal double? CpuCores(V1Pod pod)
    {
        var containers = pod.Spec?.Containers ?? [];
        var app = containers.FirstOrDefault(c => c.Ports?.Any(p => p.ContainerPort == metricsPort) == true) ?? containers.FirstOrDefault();
        var resources = app?.Resources;
        var cpu = Cpu(resources?.Limits) ?? Cpu(resources?.Requests);
        return cpu is null ? null : (double)cpu.ToDecimal() is var cores && cores > 0 ? cores : null;

        static ResourceQuantity? Cpu(IDictionary<string, ResourceQuantity>? quantities) =>
            quantities is not null && quantities.TryGetValue("cpu", out var quantity) ? quantity : null;
    }

    /// <summary>The Deployment (cached, or read), refused unless it opts in, keeping its selector for the pod reads.</summary>
    private async Task<V1Deployment> DeploymentAsync(CancellationToken cancellationToken)
    {
        V1Deployment deployment;
        try
        {
            deployment = cache?.Deployment(@namespace, name)
                ?? await client.AppsV1.ReadNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (KubeErrors.IsNotFound(ex))
        {
            throw OptIn.NotFound($"Deployment {@namespace}/{name}", "spec.targetRef");
        }

        OptIn.Require(deployment.Metadata, "Deployment", @namespace, name, "spec.targetRef", apiTuning);
        _selector = LabelSelectors.Format(deployment.Spec?.Selector) is null
            ? throw new SafeFailureException(ConditionReasons.ReconcileFailed, $"Deployment {name} has no selector")
            : deployment.Spec!.Selector;
        return deployment;
    }

    private Uri MetricsUrl(string podIp)
    {
        var host = System.Net.IPAddress.TryParse(podIp, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{podIp}]" : podIp;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{metricsPort}{metricsPath}"));
    }

    /// <summary>Running, Ready, with an IP and not being deleted.</summary>
    internal static bool IsReady(V1Pod pod) =>
        pod.Metadata?.DeletionTimestamp is null
        && pod.Status is { Phase: "Running", PodIP: { Length: > 0 } }
        && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
