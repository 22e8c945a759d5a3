using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// Watch sources of built-in collections: Deployments, and for the ports' cache pods and HorizontalPodAutoscalers
/// (KEDA ScaledObjects: ScaledObjectWatchSource), in one namespace or in all.
/// </summary>
public static class WatchSources
{
    /// <summary>Deployments in <paramref name="ns"/>, or in every namespace when it is null.</summary>
    public static WatchSource<V1Deployment> Deployments(IKubernetes client, string? ns, TimeSpan watchTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        var seconds = (int)watchTimeout.TotalSeconds;
        return new WatchSource<V1Deployment>(
            $"deployments in {ns ?? "all namespaces"}",
            async ct =>
            {
                var list = ns is null
                    ? await client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: ct)
                    : await client.AppsV1.ListNamespacedDeploymentAsync(ns, cancellationToken: ct);
                return (list.Items.ToList(), list.Metadata.ResourceVersion);
            },
            (rv, ct) => Read(
                onError => ns is null
                    ? client.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct)
                    : client.AppsV1.WatchListNamespacedDeploymentAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
                d => d,
                ct));
    }

    /// <summary>
    /// Pods in <paramref name="ns"/>, or in every namespace when it is null, reduced to what the ports read (name,
    /// labels, deletion, the containers' ports and resources, phase, IP, conditions): a cache of every pod stays small.
    /// </summary>
    public static WatchSource<V1Pod> Pods(IKubernetes client, string? ns, TimeSpan watchTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        var seconds = (int)watchTimeout.TotalSeconds;
        return new WatchSource<V1Pod>(
            $"pods in {ns ?? "all namespaces"}",
            async ct =>
            {
                var list = ns is null
                    ? await client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct)
                    : await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: ct);
                return (list.Items.Select(Slim).ToList(), list.Metadata.ResourceVersion);
            },
            (rv, ct) => Read(
                onError => ns is null
                    ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct)
                    : client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
                Slim,
                ct));
    }

    /// <summary>HorizontalPodAutoscalers (autoscaling/v2) in <paramref name="ns"/>, or in every namespace when it is null.</summary>
    public static WatchSource<V2HorizontalPodAutoscaler> Autoscalers(IKubernetes client, string? ns, TimeSpan watchTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        var seconds = (int)watchTimeout.TotalSeconds;
        return new WatchSource<V2HorizontalPodAutoscaler>(
            $"horizontalpodautoscalers in {ns ?? "all namespaces"}",
            async ct =>
            {
                var list = ns is null
                    ? await client.AutoscalingV2.ListHorizontalPodAutoscalerForAllNamespacesAsync(cancellationToken: ct)
                    : await client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns, cancellationToken: ct);
                return (list.Items.ToList(), list.Metadata.ResourceVersion);
            },
            (rv, ct) => Read(
                onError => ns is null
                    ? client.AutoscalingV2.WatchListHorizontalPodAutoscalerForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct)
                    : client.AutoscalingV2.WatchListNamespacedHorizontalPodAutoscalerAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
                h => h,
                ct));
    }

    /// <summary>The part of a pod the ports read.</summary>
    internal static V1Pod Slim(V1Pod pod) => new()
    {
        ApiVersion = pod.ApiVersion,
        Kind = pod.Kind,
        Metadata = pod.Metadata is not { } m ? null : new V1ObjectMeta
        {
            Name = m.Name,
            NamespaceProperty = m.NamespaceProperty,
            Labels = m.Labels,
            ResourceVersion = m.ResourceVersion,
            DeletionTimestamp = m.DeletionTimestamp,
        },

        // The containers' ports and resources: the app container's CPU limit (else request) is what CPU is measured against.
        Spec = pod.Spec is not { } spec ? null : new V1PodSpec
        {
            Containers = spec.Containers?.Select(c => new V1Container { Name = c.Name, Ports = c.Ports, Resources = c.Resources }).ToList(),
        },
        Status = pod.Status is not { } s ? null : new V1PodStatus
        {
            Phase = s.Phase,
            PodIP = s.PodIP,
            Conditions = s.Conditions?.Select(c => new V1PodCondition { Type = c.Type, Status = c.Status }).ToList(),
        },
    };

    /// <summary>
    /// Reads a watch stream. KubernetesClient reports an ERROR event (410 Gone among them) to its error callback
    /// rather than throwing it; here it is thrown after the stream ends, so the watcher's loop sees every failure.
    /// </summary>
    public static async IAsyncEnumerable<(WatchEventType, T)> Read<TRaw, T>(
        Func<Action<Exception>, IAsyncEnumerable<(WatchEventType, TRaw)>> start,
        Func<TRaw, T> convert,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Exception? failure = null;
        await foreach (var (type, item) in start(e => failure ??= e).WithCancellation(cancellationToken))
        {
            if (failure is not null)
            {
                break;
            }

            yield return (type, convert(item));
        }

        if (failure is not null)
        {
            throw failure is KubernetesException or HttpRequestException or IOException
                ? failure
                : new IOException($"watch failed: {failure.Message}", failure);
        }
    }
}
