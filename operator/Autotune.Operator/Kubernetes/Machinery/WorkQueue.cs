namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// A controller's queue of object keys (namespace/name), with the guarantees of client-go's work queue: a key
/// is handed to one worker at a time (added again while it is processed, it waits until <see cref="Done"/>); a key
/// added many times before it is taken is taken once; a failed key comes back after a per-key exponential backoff
/// (<see cref="AddRateLimited"/>) until <see cref="Forget"/>; and a key can be scheduled for later (the next window).
/// </summary>
public sealed class WorkQueue : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset Due, ITimer Timer, object Token)> _delayed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _ready = new(0);
    private readonly TimeProvider _time;
    private readonly TimeSpan _failureBase;
    private readonly TimeSpan _failureMax;
    private bool _shutDown;

    /// <summary>Creates a queue whose failed keys wait failureBase*2^n (at most failureMax) before they return.</summary>
    public WorkQueue(TimeProvider time, TimeSpan failureBase, TimeSpan failureMax)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _failureBase = failureBase;
        _failureMax = failureMax;
    }

    /// <summary>Keys waiting to be taken.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a key now, unless it is already waiting.</summary>
    public void Add(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_shutDown || !_dirty.Add(key))
            {
                return;
            }

            if (!_processing.Contains(key))
            {
                _queue.Enqueue(key);
                _ready.Release();
            }
        }
    }

    /// <summary>Queues a key after a delay; an earlier schedule of the same key wins over a later one.</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shutDown)
            {
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            // The token tells this schedule's callback from one that was cancelled or replaced after its timer fired.
            var token = new object();
            var timer = _time.CreateTimer(state => Fire(key, state!), token, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (due, timer, token);
        }
    }

    /// <summary>Queues a failed key after its backoff (which doubles with each failure) and returns the delay.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int failures;
        lock (_gate)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }

        var delay = Backoff.Ceiling(_failureBase, _failureMax, failures);
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>How many times in a row the key failed.</summary>
    public int Failures(string key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Clears the key's failures (it succeeded, or it is gone).</summary>
    public void Forget(string key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>Drops the key's schedule for later (the object is gone).</summary>
    public void Cancel(string key)
    {
        lock (_gate)
        {
            if (_delayed.Remove(key, out var scheduled))
            {
                scheduled.Timer.Dispose();
            }
        }
    }

    /// <summary>Waits for a key and marks it in process; null once the queue is shut down and drained.</summary>
    public async Task<string?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _ready.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (_queue.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }

                if (_shutDown)
                {
                    _ready.Release();
                    return null;
                }
            }
        }
    }

    /// <summary>Ends the processing of a key; if it was added meanwhile, it is queued again.</summary>
    public void Done(string key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shutDown)
            {
                _queue.Enqueue(key);
                _ready.Release();
            }
        }
    }

    /// <summary>Stops accepting keys; waiting takers get null.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shutDown)
            {
                return;
            }

            _shutDown = true;
            _queue.Clear();
            _dirty.Clear();
            foreach (var (_, scheduled) in _delayed)
            {
                scheduled.Timer.Dispose();
            }

            _delayed.Clear();
            _ready.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ShutDown();
        _ready.Dispose();
    }

    private void Fire(string key, object token)
    {
        lock (_gate)
        {
            // A timer's callback may already be on its way when Cancel or an earlier AddAfter disposes it.
            if (!_delayed.TryGetValue(key, out var scheduled) || !ReferenceEquals(scheduled.Token, token))
            {
                return;
            }

            _delayed.Remove(key);
            scheduled.Timer.Dispose();
        }

        Add(key);
    }
}
