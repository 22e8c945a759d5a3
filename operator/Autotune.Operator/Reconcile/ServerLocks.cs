namespace Autotune.Operator.Reconcile;

/// <summary>
/// One lock per database server (host:port): the passes of the ApiTunings on one server run one at a time, each
/// against the ledger the one before it left, so two never spend the same free connections.
/// </summary>
public sealed class ServerLocks
{
    private readonly Dictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>Takes the server's lock; dispose the result to release it.</summary>
    public async Task<IDisposable> LockAsync(string server, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(server, out gate!))
            {
                gate = new SemaphoreSlim(1, 1);
                _gates[server] = gate;
            }
        }

        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
