using System.Collections.Concurrent;
using System.Text.Json;
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
/// The loop is supervised: no exception ends it. A failure of the API server or the network resumes the watch; any
/// other (an event that cannot be read, a handler that throws, a defect) is logged as an error and the collection
/// is listed again after the backoff, a change whose handler threw being delivered again by that list. Every
/// failure is reported to <see cref="Failed"/>, and <see cref="IsUp"/> is false from a failure until the watch is
/// open again (after an unexpected one, until the re-list is done).
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
public sealed partial class ResourceWatcher<T>(WatchSource<T> source, Backoff backoff, ILogger logger, TimeProvider time)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly ConcurrentDictionary<string, T> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _up;
    private bool _handlerThrew;

    /// <summary>Raised for every change: the event type, the object now (for Deleted, the last known) and the one before.</summary>
    public event Action<WatchEventType, T, T?>? Changed;

    /// <summary>Raised after every LIST.</summary>
    public event Action? Listed;

    /// <summary>Raised at every failure of the list or the watch: its cause (<see cref="WatchFailureCauses"/>) and the exception.</summary>
    public event Action<string, Exception>? Failed;

    /// <summary>The collection, for logs and readiness (apitunings in shop).</summary>
    public string Description => source.Description;

    /// <summary>The resourceVersion the next watch resumes from; null before the first list or after a 410.</summary>
    public string? ResourceVersion { get; private set; }

    /// <summary>How many times the collection was listed.</summary>
    public int Lists { get; private set; }

    /// <summary>How many times the list or watch failed, whatever the cause.</summary>
    public int Failures { get; private set; }

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    /// <summary>
    /// True while the cache follows the collection: listed, and not waiting out a failure. A cache that is not up
    /// may be stale, however long ago it synced.
    /// </summary>
    public bool IsUp => _up;

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

    /// <summary>Lists and watches until cancelled; it ends only then.</summary>
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

                _up = true;
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
            catch (Exception ex) when (!_handlerThrew && IsGone(ex))
            {
                LogGone(logger, source.Description, ResourceVersion);
                ResourceVersion = null;
                backoff.Reset();
                continue;
            }
            catch (Exception ex) when (!_handlerThrew && IsEmptyEnd(ex))
            {
                // KubernetesClient reads the first line before returning the stream: a watch closed before any event
                // fails there. It is a normal end.
                backoff.Reset();
                continue;
            }
#pragma warning disable CA1031 // Supervision: whatever failed, the watch must come back.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var cause = _handlerThrew ? WatchFailureCauses.Handler : Cause(ex);
                _handlerThrew = false;
                if (!await FailedAsync(cause, ex, delivered, cancellationToken))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Marks the watch down, reports and logs the failure, and waits out the backoff; false when cancelled meanwhile.</summary>
    private async Task<bool> FailedAsync(string cause, Exception ex, bool delivered, CancellationToken cancellationToken)
    {
        _up = false;
        Failures++;
        try
        {
            Failed?.Invoke(cause, ex);
        }
#pragma warning disable CA1031 // A failing observer of failures must not stop the watch.
        catch (Exception observer)
#pragma warning restore CA1031
        {
            LogObserverFailed(logger, observer, source.Description);
        }

        TimeSpan delay;
        if (cause == WatchFailureCauses.Api)
        {
            if (delivered)
            {
                backoff.Reset();
            }

            delay = backoff.Next();
            LogWatchFailed(logger, ex, source.Description, delay.TotalMilliseconds);
        }
        else
        {
            // What the cache holds may no longer be what the watch said: list it all again. The backoff is not reset
            // by events delivered before, so a failure that repeats slows down to the cap.
            ResourceVersion = null;
            delay = backoff.Next();
            LogWatchBroken(logger, ex, source.Description, cause, delay.TotalMilliseconds);
        }

        try
        {
            await Task.Delay(delay, time, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var (items, version) = await source.ListAsync(cancellationToken);
        Lists++;
        try
        {
            Listed?.Invoke();
        }
        catch
        {
            _handlerThrew = true;
            throw;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = KeyOf(item);
            seen.Add(key);
            var before = _cache.GetValueOrDefault(key);
            _cache[key] = item;
            if (before is null)
            {
                Notify(WatchEventType.Added, item, null, key, null);
            }
            else if (before.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Notify(WatchEventType.Modified, item, before, key, before);
            }
        }

        foreach (var key in _cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            if (_cache.TryRemove(key, out var gone))
            {
                Notify(WatchEventType.Deleted, gone, gone, key, gone);
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
                Notify(before is null ? WatchEventType.Added : WatchEventType.Modified, item, before, key, before);
                break;
            case WatchEventType.Deleted:
                _cache.TryRemove(key, out var last);
                Notify(WatchEventType.Deleted, item, last, key, last);
                break;
            case WatchEventType.Error:
            default:
                break;
        }
    }

    /// <summary>
    /// Tells the handlers of a change the cache has taken. If one throws, the cache gets back what it held before
    /// (<paramref name="restore"/>, or nothing), so the re-list that follows the failure finds the change again and
    /// delivers it once more rather than losing it.
    /// </summary>
    private void Notify(WatchEventType type, T now, T? before, string key, T? restore)
    {
        try
        {
            Changed?.Invoke(type, now, before);
        }
        catch
        {
            if (restore is null)
            {
                _cache.TryRemove(key, out _);
            }
            else
            {
                _cache[key] = restore;
            }

            _handlerThrew = true;
            throw;
        }
    }

    private static string Cause(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is JsonException or FormatException)
            {
                return WatchFailureCauses.Malformed;
            }
        }

        return ex is HttpOperationException or HttpRequestException or KubernetesException or IOException or TimeoutException or OperationCanceledException
            ? WatchFailureCauses.Api
            : WatchFailureCauses.Unexpected;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Watch of {Collection} failed ({Cause}); its cache is not trusted until it has listed again in {DelayMs:F0} ms")]
    private static partial void LogWatchBroken(ILogger logger, Exception exception, string collection, string cause, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "An observer of the watch failures of {Collection} threw")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string collection);
}
