using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>How a <see cref="ResourceWatcher{T}"/> lists and watches one collection (one namespace, or all).</summary>
/// <typeparam name="T">The object type.</typeparam>
/// <param name="Description">The collection, for logs (apitunings in shop, deployments in all namespaces).</param>
/// <param name="ListAsync">Lists every object and the list's resourceVersion.</param>
/// <param name="Watch">Watches from a resourceVersion with bookmarks, ending after the server-side timeout.</param>
public sealed record WatchSource<T>(
    string Description,
    Func<CancellationToken, Task<(IReadOnlyList<T> Items, string ResourceVersion)>> ListAsync,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, T Object)>> Watch)
    where T : IKubernetesObject<V1ObjectMeta>;
