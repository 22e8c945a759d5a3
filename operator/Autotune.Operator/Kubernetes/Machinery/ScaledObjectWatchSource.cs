using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// KEDA ScaledObjects, which exist only where KEDA is installed. While the resource is not served (its LIST answers
/// 404) the collection is cached as empty and the watch, instead of opening, waits one watch timeout and asks
/// discovery (<c>GET /apis</c>, never a LIST) whether keda.sh/v1alpha1 is served now; when it is, or when an open
/// watch answers 404 because the CRD went away, the watch reports 410 Gone so <see cref="ResourceWatcher{T}"/>
/// lists again.
/// </summary>
public static class ScaledObjectWatchSource
{
    private const string G = ScaledObjectResource.Group, V = ScaledObjectResource.Version, P = ScaledObjectResource.Plural;

    /// <summary>ScaledObjects in <paramref name="ns"/>, or in every namespace when it is null.</summary>
    public static WatchSource<ScaledObjectResource> Create(IKubernetes client, string? ns, TimeSpan watchTimeout, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        var absent = false;
        var seconds = (int)watchTimeout.TotalSeconds;
        return new WatchSource<ScaledObjectResource>(
            $"{P}.{G} in {ns ?? "all namespaces"}",
            async ct =>
            {
                try
                {
                    using var response = ns is null
                        ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<ScaledObjectList>(G, V, P, cancellationToken: ct)
                        : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<ScaledObjectList>(G, V, ns, P, cancellationToken: ct);
                    absent = false;
                    return (response.Body.Items.ToList(), response.Body.Metadata.ResourceVersion);
                }
                catch (Exception ex) when (KubeErrors.IsNotFound(ex))
                {
                    absent = true; // KEDA is not installed: no ScaledObject can own replicas.
                    return ([], "0");
                }
            },
            (rv, ct) => absent
                ? WaitForKedaAsync(client, watchTimeout, time, ct)
                : GoneWhenNotFound(WatchSources.Read(
                    onError => ns is null
                        ? client.CustomObjects.WatchListClusterCustomObjectAsync(G, V, P, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct)
                        : client.CustomObjects.WatchListNamespacedCustomObjectAsync(G, V, ns, P, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
                    ToScaledObject,
                    ct), ct));
    }

    private static async IAsyncEnumerable<(WatchEventType, ScaledObjectResource)> WaitForKedaAsync(
        IKubernetes client, TimeSpan recheck, TimeProvider time, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(recheck, time, cancellationToken);
        var groups = await client.Apis.GetAPIVersionsAsync(cancellationToken);
        if (groups.Groups?.Any(g => g.Name == G && g.Versions?.Any(v => v.Version == V) == true) == true)
        {
            throw Gone("keda.sh/v1alpha1 is served now");
        }

        yield break;
    }

    private static async IAsyncEnumerable<(WatchEventType, ScaledObjectResource)> GoneWhenNotFound(
        IAsyncEnumerable<(WatchEventType, ScaledObjectResource)> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var e = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (Exception ex) when (KubeErrors.IsNotFound(ex))
            {
                throw Gone("scaledobjects.keda.sh is no longer served");
            }

            yield return e.Current;
        }
    }

    private static KubernetesException Gone(string message) => new(new V1Status { Code = 410, Reason = "Gone", Message = message });

    private static ScaledObjectResource ToScaledObject(object item) => item switch
    {
        JsonElement json => KubernetesJson.Deserialize<ScaledObjectResource>(json.GetRawText()),
        _ => KubernetesJson.Deserialize<ScaledObjectResource>(KubernetesJson.Serialize(item)),
    };
}
