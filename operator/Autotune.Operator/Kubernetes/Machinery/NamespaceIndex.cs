using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// The objects of a <see cref="ResourceWatcher{T}"/> grouped by namespace, kept from its change events, so a port
/// reading one namespace's pods looks at that namespace only, not at every pod of the cluster.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed class NamespaceIndex<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, T>> _byNamespace = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="watcher"/>'s objects from now on (attach before it runs).</summary>
    public NamespaceIndex(ResourceWatcher<T> watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        watcher.Changed += OnChanged;
    }

    /// <summary>The objects in <paramref name="ns"/>.</summary>
    public IEnumerable<T> In(string ns) =>
        _byNamespace.TryGetValue(ns, out var items) ? items.Values : [];

    private void OnChanged(WatchEventType type, T now, T? before)
    {
        var ns = now.Metadata.NamespaceProperty ?? string.Empty;
        var name = now.Metadata.Name;
        if (type == WatchEventType.Deleted)
        {
            if (_byNamespace.TryGetValue(ns, out var items))
            {
                items.TryRemove(name, out _);
            }

            return;
        }

        _byNamespace.GetOrAdd(ns, _ => new ConcurrentDictionary<string, T>(StringComparer.Ordinal))[name] = now;
    }
}
