using System.Text.Json;
using Autotune.Operator.Kubernetes.Machinery;
using k8s;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>The watch source of ApiTunings, in one namespace or in all.</summary>
public static class ApiTuningWatchSource
{
    /// <summary>ApiTunings in <paramref name="ns"/>, or in every namespace when it is null.</summary>
    public static WatchSource<ApiTuningResource> Create(IKubernetes client, string? ns, TimeSpan watchTimeout)
    {
        ArgumentNullException.ThrowIfNull(client);
        const string g = ApiTuningResource.Group, v = ApiTuningResource.Version, p = ApiTuningResource.Plural;
        var seconds = (int)watchTimeout.TotalSeconds;
        return new WatchSource<ApiTuningResource>(
            $"{p} in {ns ?? "all namespaces"}",
            async ct =>
            {
                using var response = ns is null
                    ? await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<ApiTuningList>(g, v, p, cancellationToken: ct)
                    : await client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<ApiTuningList>(g, v, ns, p, cancellationToken: ct);
                return (response.Body.Items.ToList(), response.Body.Metadata.ResourceVersion);
            },
            (rv, ct) => WatchSources.Read(
                onError => ns is null
                    ? client.CustomObjects.WatchListClusterCustomObjectAsync(g, v, p, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct)
                    : client.CustomObjects.WatchListNamespacedCustomObjectAsync(g, v, ns, p, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
                ToApiTuning,
                ct));
    }

    private static ApiTuningResource ToApiTuning(object item) => item switch
    {
        ApiTuningResource resource => resource,
        JsonElement json => KubernetesJson.Deserialize<ApiTuningResource>(json.GetRawText()),
        _ => KubernetesJson.Deserialize<ApiTuningResource>(KubernetesJson.Serialize(item)),
    };
}
