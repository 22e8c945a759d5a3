using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>
/// Holds a live pool swap to max(old, new) physical connections. Npgsql cannot resize a pool in place, so a swap
/// builds a new pool beside the old one; without a gate the pod would hold the old pool's busy connections plus the
/// whole new pool. While a retired generation still has connections out, the current generation admits an open only
/// while (the retired generations' connections, each at most its pool's size, + the current one's admitted opens) is
/// under its size; the others
/// wait for a retired connection to come back (it is closed, not pooled: retired pools are cleared), within the
/// connection string's <c>Timeout</c> and the caller's cancellation. With nothing retired out, opens pass at once.
/// </summary>
/// <remarks>
/// A generation opens a physical connection only when none of its own is idle, so its physical connections never
/// exceed the most opens it admitted at once; and a retired generation's physical connections never exceed its
/// leases once the idle connections it had when it retired are closed (until then it counts at its full size): a
/// retired pool is cleared after every connection it hands out, so Npgsql closes each on return, before its lease
/// ends, instead of pooling it (<see cref="PoolGeneration.AfterOpen"/>).
/// </remarks>
internal sealed class PoolSwapGate(TimeSpan timeout)
{
    private readonly object _sync = new();
    private TaskCompletionSource _changed = NewSignal();
    private PoolGeneration[] _retired = [];
    private int _waiters;

    /// <summary>How long an open may wait for the swap before it fails (the connection string's <c>Timeout</c>).</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Opens waiting now (for tests and logs).</summary>
    public int Waiting => Volatile.Read(ref _waiters);

    /// <summary>Replaces the retired generations still counted; published before a new generation becomes current.</summary>
    public void SetRetired(PoolGeneration[] retired)
    {
        Volatile.Write(ref _retired, retired);
        Signal();
    }

    /// <summary>The retired generations counted now.</summary>
    public IReadOnlyList<PoolGeneration> Retired => Volatile.Read(ref _retired);

    /// <summary>Physical connections the retired generations may still hold (see <see cref="Counted"/>).</summary>
    public int RetiredConnections()
    {
        var sum = 0;
        foreach (var generation in Volatile.Read(ref _retired))
        {
            sum += Counted(generation);
        }

        return sum;
    }

    /// <summary>
    /// Physical connections a retired generation may still hold: its whole pool until the swap closed the idle
    /// connections it had, then its leases, but never more than its pool's size. A lease is taken before the open
    /// waits inside the pool, so a pool of 4 with 80 requests waiting in it has 80 leases and at most 4 connections;
    /// counting the waiters would hold the new pool shut until they drained (measured in the demo: pool 4 -> 12 during
    /// a collapse, 80 requests waiting, the new pool 6% used for a minute). The count only falls.
    /// </summary>
    public static int Counted(PoolGeneration generation) =>
        generation.IdleClosed ? Math.Min(generation.ActiveLeases, generation.MaxPoolSize) : generation.MaxPoolSize;

    /// <summary>Wakes the waiting opens to look again (a retired connection came back, or an admitted one closed).</summary>
    public void Signal()
    {
        if (Volatile.Read(ref _waiters) == 0)
        {
            return;
        }

        lock (_sync)
        {
            _changed.TrySetResult();
            _changed = NewSignal();
            Monitor.PulseAll(_sync);
        }
    }

    /// <summary>Waits until <paramref name="generation"/> may open one more connection, and counts it.</summary>
    public async ValueTask AdmitAsync(PoolGeneration generation, CancellationToken cancellationToken)
    {
        if (TryAdmitUncontended(generation))
        {
            return;
        }

        Interlocked.Increment(ref _waiters);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            while (true)
            {
                Task changed;
                lock (_sync)
                {
                    if (TryAdmit(generation))
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                try
                {
                    await changed.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw TimedOut(generation);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    /// <summary>The blocking form of <see cref="AdmitAsync"/>, for the synchronous open.</summary>
    public void Admit(PoolGeneration generation)
    {
        if (TryAdmitUncontended(generation))
        {
            return;
        }

        Interlocked.Increment(ref _waiters);
        try
        {
            var until = DateTime.UtcNow + Timeout;
            lock (_sync)
            {
                while (!TryAdmit(generation))
                {
                    var left = until - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero || !Monitor.Wait(_sync, left))
                    {
                        if (TryAdmit(generation))
                        {
                            return;
                        }

                        throw TimedOut(generation);
                    }
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    private bool TryAdmitUncontended(PoolGeneration generation)
    {
        // No swap draining: the pool's own limit is the only one. A generation retired meanwhile is counted by its leases.
        if (generation.IsRetired || RetiredConnections() == 0)
        {
            generation.BeginOpen();
            return true;
        }

        return false;
    }

    // Under _sync: admissions to one generation are counted one at a time.
    private bool TryAdmit(PoolGeneration generation)
    {
        var retired = RetiredConnections();
        if (generation.IsRetired || retired == 0 || generation.OpenCount + retired < generation.MaxPoolSize)
        {
            generation.BeginOpen();
            return true;
        }

        return false;
    }

    private NpgsqlException TimedOut(PoolGeneration generation) => new(
        $"Waited {Timeout.TotalSeconds:0.#} s ('Timeout' in the connection string) for pool {generation.Name} (max {generation.MaxPoolSize}) "
        + $"to have room beside the {RetiredConnections()} connections the replaced pools still hold: a live pool swap keeps the "
        + "process at max(old, new) connections.",
        new TimeoutException());

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
