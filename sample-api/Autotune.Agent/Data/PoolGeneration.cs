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
    private readonly PoolSwapGate? _gate;
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
    /// Closes the physical connection of a connection that comes back to a retired generation, and any left idle:
    /// a retired pool keeps no idle connection, so its physical connections never exceed its leases.
    /// </summary>
    public void CloseIdleIfRetired()
    {
        if (IsRetired)
        {
            DataSource.Clear();
        }
    }

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
