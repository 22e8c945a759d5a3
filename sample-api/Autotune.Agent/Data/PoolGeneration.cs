using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>
/// One Npgsql data source with its own pool name, and the leases (open connections) taken from it. A retired
/// generation takes no new leases; it is drained once the last lease ends, and only then disposed.
/// </summary>
internal sealed class PoolGeneration
{
    // Starts at 1: the reference the owner holds until it retires the generation.
    private int _references = 1;
    private int _retired;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PoolGeneration(int number, string name, int maxPoolSize, NpgsqlDataSource dataSource)
    {
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

    /// <summary>Ends a lease.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _drained.TrySetResult();
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
