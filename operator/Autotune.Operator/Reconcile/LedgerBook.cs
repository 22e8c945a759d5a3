using Autotune.Engine.Budget;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// The connection ledger of every database server the operator tunes against, keyed by host:port. Decisions for
/// one server are made one at a time (<see cref="LockAsync"/>), each against the entries the others hold, so two
/// ApiTunings never spend the same free connections.
/// </summary>
public sealed class LedgerBook
{
    private readonly Dictionary<string, ServerBook> _servers = new(StringComparer.Ordinal);

    /// <summary>Takes the server's decision lock; dispose the result to release it.</summary>
    public async Task<IDisposable> LockAsync(string server, CancellationToken cancellationToken)
    {
        var book = Book(server);
        await book.Gate.WaitAsync(cancellationToken);
        return new Release(book.Gate);
    }

    /// <summary>The ledger of a server as the database reports it now, with what every other ApiTuning on it holds.</summary>
    public DatabaseLedger Ledger(DatabaseState database, string apiId, int reservedConnections, int adminConnections = 1)
    {
        ArgumentNullException.ThrowIfNull(database);
        var book = Book(database.Server);
        lock (book.Entries)
        {
            return new DatabaseLedger
            {
                Server = database.Server,
                MaxConnections = database.MaxConnections,
                PendingMaxConnections = database.PendingMaxConnections,
                SuperuserReservedConnections = database.SuperuserReserved,
                AdminConnections = adminConnections,
                ReservedConnections = reservedConnections,
                Entries = book.Entries.Values.Where(e => e.ApiId != apiId).ToList(),
            };
        }
    }

    /// <summary>Records what one ApiTuning holds (and claims, while a change is in flight).</summary>
    public void Record(string server, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var book = Book(server);
        lock (book.Entries)
        {
            book.Entries[entry.ApiId] = entry;
        }
    }

    /// <summary>Forgets an ApiTuning (deleted, or moved to another server).</summary>
    public void Forget(string apiId)
    {
        lock (_servers)
        {
            foreach (var book in _servers.Values)
            {
                lock (book.Entries)
                {
                    book.Entries.Remove(apiId);
                }
            }
        }
    }

    private ServerBook Book(string server)
    {
        lock (_servers)
        {
            if (!_servers.TryGetValue(server, out var book))
            {
                book = new ServerBook();
                _servers[server] = book;
            }

            return book;
        }
    }

    private sealed class ServerBook
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Dictionary<string, LedgerEntry> Entries { get; } = new(StringComparer.Ordinal);
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
