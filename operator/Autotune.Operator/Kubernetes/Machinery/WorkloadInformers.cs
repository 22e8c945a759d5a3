using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// The shared, watch-backed cache the ports read instead of listing: pods, HorizontalPodAutoscalers and KEDA
/// ScaledObjects (when KEDA is installed), each one <see cref="ResourceWatcher{T}"/> per watched namespace (or one
/// for all), beside the controller's own Deployment watchers. Each collection is listed once, then kept by its
/// watch; a steady-state pass reads them without a request. Until a collection has listed, its reads answer null
/// and the port asks the API server itself. While a watch is down the cache keeps answering, as client-go's
/// informers do, rather than send every pass of every ApiTuning to an API server that may be struggling; readiness
/// (<see cref="Down"/>) says so meanwhile.
/// </summary>
public sealed class WorkloadInformers : IWorkloadCache
{
    private readonly List<Collection<V1Pod>> _pods = [];
    private readonly List<Collection<V2HorizontalPodAutoscaler>> _autoscalers = [];
    private readonly List<Collection<ScaledObjectResource>> _scaledObjects = [];
    private readonly IReadOnlyList<(string? Namespace, ResourceWatcher<V1Deployment> Watcher)> _deployments;
    private readonly List<WatcherState> _states = [];

    /// <summary>Creates the watchers (they run in <see cref="RunAsync"/>).</summary>
    /// <param name="client">The API client.</param>
    /// <param name="namespaces">The watched namespaces; a null entry watches every namespace.</param>
    /// <param name="deployments">The controller's Deployment watchers, one per entry of <paramref name="namespaces"/>.</param>
    /// <param name="settings">Watch timeout, backoff and clock.</param>
    /// <param name="listed">Told the collection's name at each LIST (a counter, say).</param>
    /// <param name="logger">Logs watch failures.</param>
    /// <param name="failed">Told the collection's name and the cause (<see cref="WatchFailureCauses"/>) at each watch failure.</param>
    public WorkloadInformers(
        IKubernetes client,
        IReadOnlyList<string?> namespaces,
        IReadOnlyList<ResourceWatcher<V1Deployment>> deployments,
        WatchSettings settings,
        Action<string> listed,
        ILogger logger,
        Action<string, string>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(deployments);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(listed);
        _deployments = [.. namespaces.Zip(deployments)];
        foreach (var ns in namespaces)
        {
            _pods.Add(Watch(ns, WatchSources.Pods(client, ns, settings.WatchTimeout), "pods"));
            _autoscalers.Add(Watch(ns, WatchSources.Autoscalers(client, ns, settings.WatchTimeout), "horizontalpodautoscalers"));
            _scaledObjects.Add(Watch(ns, ScaledObjectWatchSource.Create(client, ns, settings.WatchTimeout, settings.Time), ScaledObjectResource.Plural));
        }

        Collection<T> Watch<T>(string? ns, WatchSource<T> source, string name)
            where T : class, IKubernetesObject<V1ObjectMeta>
        {
            var watcher = new ResourceWatcher<T>(source, new Backoff(settings.BackoffInitial, settings.BackoffMax), logger, settings.Time);
            watcher.Listed += () => listed(name);
            watcher.Failed += (cause, _) => failed?.Invoke(name, cause);
            _states.Add(new WatcherState(() => watcher.Description, () => watcher.IsUp));
            return new Collection<T>(ns, watcher, new NamespaceIndex<T>(watcher));
        }
    }

    /// <summary>True once every collection has listed.</summary>
    public bool Synced => Watchers.All(w => w.IsCompleted);

    /// <summary>The collections whose watch is not up now (not listed yet, or waiting out a failure).</summary>
    public IEnumerable<string> Down => _states.Where(s => !s.IsUp()).Select(s => s.Description());

    /// <summary>How many LISTs the pod watchers made (the first, and one after each 410).</summary>
    public int PodLists => _pods.Sum(c => c.Watcher.Lists);

    private IEnumerable<Task> Watchers => _pods.Select(c => c.Watcher.Synced)
        .Concat(_autoscalers.Select(c => c.Watcher.Synced))
        .Concat(_scaledObjects.Select(c => c.Watcher.Synced));

    /// <summary>Lists and watches every collection until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        _pods.Select(c => c.Watcher.RunAsync(cancellationToken))
            .Concat(_autoscalers.Select(c => c.Watcher.RunAsync(cancellationToken)))
            .Concat(_scaledObjects.Select(c => c.Watcher.RunAsync(cancellationToken))));

    /// <inheritdoc />
    public V1Deployment? Deployment(string @namespace, string name)
    {
        foreach (var (ns, watcher) in _deployments)
        {
            if ((ns is null || ns == @namespace) && watcher.Synced.IsCompleted)
            {
                return watcher.Get($"{@namespace}/{name}");
            }
        }

        return null;
    }

    /// <inheritdoc />
    public IReadOnlyList<V1Pod>? Pods(string @namespace, V1LabelSelector selector) =>
        Find(_pods, @namespace)?.Index.In(@namespace).Where(p => LabelSelectors.Matches(selector, p.Metadata.Labels)).ToList();

    /// <inheritdoc />
    public IReadOnlyList<V2HorizontalPodAutoscaler>? Autoscalers(string @namespace) =>
        Find(_autoscalers, @namespace)?.Index.In(@namespace).ToList();

    /// <inheritdoc />
    public IReadOnlyList<ScaledObjectResource>? ScaledObjects(string @namespace) =>
        Find(_scaledObjects, @namespace)?.Index.In(@namespace).ToList();

    private static Collection<T>? Find<T>(List<Collection<T>> collections, string ns)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        collections.FirstOrDefault(c => (c.Namespace is null || c.Namespace == ns) && c.Watcher.Synced.IsCompleted);

    private sealed record WatcherState(Func<string> Description, Func<bool> IsUp);

    private sealed record Collection<T>(string? Namespace, ResourceWatcher<T> Watcher, NamespaceIndex<T> Index)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
