using System.Collections.Concurrent;
using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>
/// One Npgsql data source with its own pool name, and the leases (open connections) taken from it. A retired
/// generation takes no new leases; it is drained once the last lease ends and no connection object it created
/// unopened (for EF Core or the app to open, close and open again) is still reachable, and only then disposed.
/// </summary>
internal sealed class PoolGeneration
{
    // Starts at 1: the reference the owner holds until it retires the generation.
    private int _references = 1;
    private int _retired;
    private int _open;
    private int _idleClosed;
    private readonly PoolSwapGate? _gate;
    private readonly Lock _clearLock = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Connections handed out closed: Npgsql raises no event when one is disposed, so whether one may still open is
    // known only from whether it is still reachable.
    private readonly ConcurrentQueue<WeakReference<NpgsqlConnection>> _created = new();

    public PoolGeneration(int number, string name, int maxPoolSize, NpgsqlDataSource dataSource, PoolSwapGate? gate = null)
    {
        _gate = gate;
        Number = number;
        Name = name;
        MaxPoolSize = maxPoolSize;
        DataSource = dataSource;
    }

    /// <summary>1 for the first pool, counting up with every swap.</summary>
    public int Number { get; }

    /// <summary>The Npgsql pool name (the <c>db_client_connection_pool_name</c> label of its metrics).</summary>
    public string Name { get; }

    /// <summary>The pool's maximum size.</summary>
    public int MaxPoolSize { get; }

    /// <summary>The data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>True once the generation was replaced.</summary>
    public bool IsRetired => Volatile.Read(ref _retired) == 1;

    /// <summary>Connections out on lease now.</summary>
    public int ActiveLeases => Volatile.Read(ref _references) - (IsRetired ? 0 : 1);

    /// <summary>Connections of this generation open now or admitted to open (see <see cref="PoolSwapGate"/>).</summary>
    public int OpenCount => Volatile.Read(ref _open);

    /// <summary>Counts a connection admitted to open (or opened by the app from a connection this generation created).</summary>
    public void BeginOpen() => Interlocked.Increment(ref _open);

    /// <summary>Stops counting a connection that closed or failed to open, and lets a waiting open look again.</summary>
    public void EndOpen()
    {
        Interlocked.Decrement(ref _open);
        _gate?.Signal();
    }

    /// <summary>
    /// Clears the pool: connections out now close when they come back, idle ones close at once. Our clears never
    /// overlap, because Npgsql skips the idle drain of a clear that starts while another is still draining.
    /// </summary>
    public void ClearPool()
    {
        lock (_clearLock)
        {
            DataSource.Clear();
        }
    }

    /// <summary>Clears the pool of a retired generation, so what comes back to it is closed, not pooled.</summary>
    public void CloseIdleIfRetired()
    {
        if (IsRetired)
        {
            ClearPool();
        }
    }

    /// <summary>
    /// Called once a connection of this generation opened. A connection handed out by a retired pool carries the
    /// pool's clear count of the moment, and Npgsql pools it again on return unless a clear came after: clearing now
    /// makes Npgsql close it on return, before its lease ends, whatever any other clear does. A generation retired
    /// after this look is cleared by the swap, which comes after the retired flag is set.
    /// </summary>
    public void AfterOpen() => CloseIdleIfRetired();

    /// <summary>True once the swap closed the idle connections this generation had when it retired.</summary>
    public bool IdleClosed => Volatile.Read(ref _idleClosed) == 1;

    /// <summary>Records that the idle connections this generation had when it retired are closed.</summary>
    public void MarkIdleClosed() => Volatile.Write(ref _idleClosed, 1);

    /// <summary>Completes when the generation is retired and its last lease ended.</summary>
    public Task Drained => _drained.Task;

    /// <summary>When the generation was retired (for the drain warning).</summary>
    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>Takes a lease, or returns false when the generation was retired (the caller takes the current one).</summary>
    public bool TryAcquire()
    {
        // Increment first, then look at the flag: Retire sets the flag before dropping the owner's reference, so a
        // lease that saw the flag clear was counted before the count could reach zero (both are full fences).
        Interlocked.Increment(ref _references);
        if (Volatile.Read(ref _retired) == 0)
        {
            return true;
        }

        Release();
        return false;
    }

    /// <summary>
    /// Counts a connection opened from an object this generation created earlier (see <see cref="TrackCreated"/>); it
    /// may open after the generation retired, which is safe because a reachable created connection keeps the
    /// generation from being disposed.
    /// </summary>
    public void AddOpen() => Interlocked.Increment(ref _references);

    /// <summary>Remembers a connection handed out closed, so the generation is not disposed while it may still open.</summary>
    public void TrackCreated(NpgsqlConnection connection) => _created.Enqueue(new WeakReference<NpgsqlConnection>(connection));

    /// <summary>Forgets the created connections that were collected; true while any is still reachable.</summary>
    public bool PruneCreated()
    {
        var alive = false;
        for (var i = _created.Count; i > 0 && _created.TryDequeue(out var reference); i--)
        {
            if (reference.TryGetTarget(out _))
            {
                _created.Enqueue(reference);
                alive = true;
            }
        }

        return alive;
    }

    /// <summary>Ends a lease.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _drained.TrySetResult();
        }

        if (IsRetired)
        {
            // A retired connection came back: an open held back by the swap may fit now.
            _gate?.Signal();
        }
    }

    /// <summary>Stops new leases and drops the owner's reference; <see cref="Drained"/> completes after the last lease.</summary>
    public void Retire(DateTimeOffset now)
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            RetiredAt = now;
            Release();
        }
    }
}
