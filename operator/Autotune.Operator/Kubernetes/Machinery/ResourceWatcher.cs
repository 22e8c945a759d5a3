using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// Keeps a cache of one collection up to date the way client-go's reflector does: list once, then watch from the
/// list's resourceVersion with bookmarks, tracking the newest resourceVersion seen; a watch the server ends is
/// resumed from there without a list; a 410 Gone (the version was compacted away) re-lists; any other failure waits
/// a capped, jittered backoff that starts over after a watch that delivered something. Every change is reported
/// to <see cref="Changed"/>, including the differences a re-list finds (objects deleted while no watch was open).
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed partial class ResourceWatcher<T>(WatchSource<T> source, Backoff backoff, ILogger logger, TimeProvider time)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised for every change: the event type, the object now (for Deleted, the last known) and the one before.</summary>
    public event Action<WatchEventType, T, T?>? Changed;

    /// <summary>Raised after every LIST.</summary>
    public event Action? Listed;

    /// <summary>The resourceVersion the next watch resumes from; null before the first list or after a 410.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>How many times the collection was listed.</summary>
    public int Lists { get; private set; }

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>The cached object with this key (namespace/name), or null.</summary>
    public T? Get(string key) => _cache.GetValueOrDefault(key);

    /// <summary>Every cached object.</summary>
    public IReadOnlyCollection<T> Items => (IReadOnlyCollection<T>)_cache.Values;

    /// <summary>namespace/name of an object.</summary>
    public static string KeyOf(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";
    }

    /// <summary>Lists and watches until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var delivered = false;
            try
            {
                if (ResourceVersion is null)
                {
                    await ListAsync(cancellationToken);
                }

                await foreach (var (type, item) in source.Watch(ResourceVersion!, cancellationToken))
                {
                    delivered = true;
                    Apply(type, item);
                }

                // The server ended the watch (its timeout): resume from the last version at once.
                backoff.Reset();
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (IsGone(ex))
            {
                LogGone(logger, source.Description, ResourceVersion);
                ResourceVersion = null;
                backoff.Reset();
                continue;
            }
            catch (Exception ex) when (IsEmptyEnd(ex))
            {
                // KubernetesClient reads the first line before returning the stream: a watch closed before any event
                // fails there. It is a normal end.
                backoff.Reset();
                continue;
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or KubernetesException or IOException or TimeoutException or OperationCanceledException)
            {
                if (delivered)
                {
                    backoff.Reset();
                }

                var delay = backoff.Next();
                LogWatchFailed(logger, ex, source.Description, delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var (items, version) = await source.ListAsync(cancellationToken);
        Lists++;
        Listed?.Invoke();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = KeyOf(item);
            seen.Add(key);
            var before = _cache.GetValueOrDefault(key);
            _cache[key] = item;
            if (before is null)
            {
                Changed?.Invoke(WatchEventType.Added, item, null);
            }
            else if (before.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Changed?.Invoke(WatchEventType.Modified, item, before);
            }
        }

        foreach (var key in _cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            if (_cache.TryRemove(key, out var gone))
            {
                Changed?.Invoke(WatchEventType.Deleted, gone, gone);
            }
        }

        ResourceVersion = version;
        _synced.TrySetResult();
    }

    private void Apply(WatchEventType type, T item)
    {
        if (item.Metadata?.ResourceVersion is { } version)
        {
            ResourceVersion = version;
        }

        if (type == WatchEventType.Bookmark || item.Metadata?.Name is null)
        {
            return;
        }

        var key = KeyOf(item);
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                var before = _cache.GetValueOrDefault(key);
                _cache[key] = item;
                Changed?.Invoke(before is null ? WatchEventType.Added : WatchEventType.Modified, item, before);
                break;
            case WatchEventType.Deleted:
                _cache.TryRemove(key, out var last);
                Changed?.Invoke(WatchEventType.Deleted, item, last);
                break;
            case WatchEventType.Error:
            default:
                break;
        }
    }

    private static bool IsGone(Exception ex) => ex switch
    {
        KubernetesException k => k.Status?.Code == 410,
        HttpOperationException h => (int?)h.Response?.StatusCode == 410,
        _ => false,
    };

    private static bool IsEmptyEnd(Exception ex) =>
        ex is HttpRequestException { InnerException: EndOfStreamException } or EndOfStreamException;

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Collection} expired at resourceVersion {ResourceVersion} (410); listing again")]
    private static partial void LogGone(ILogger logger, string collection, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Collection} failed; reconnecting in {DelayMs:F0} ms")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string collection, double delayMs);
}
