using Autotune.Engine.Decisions.Budget;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// The connection ledger of every database server the operator tunes against, keyed by host:port. Decisions for
/// one server are made one at a time (<see cref="LockAsync"/>), each against the entries the others hold, so two
/// ApiTunings never spend the same free connections. An ApiTuning joins its server when it starts; until every
/// member has recorded what it holds, the others do not spend the server's connections (a decision made before
/// would count a member's pool as free). Each ApiTuning's admin connection is counted in the reserve.
/// </summary>
public sealed class LedgerBook
{
    /// <summary>Hold reason of an action not applied because another member's holding is not known yet.</summary>
    public const string AwaitingLedger = "AwaitingLedger";

    private readonly Dictionary<string, ServerBook> _servers = new(StringComparer.Ordinal);

    /// <summary>Takes the server's decision lock; dispose the result to release it.</summary>
    public async Task<IDisposable> LockAsync(string server, CancellationToken cancellationToken)
    {
        var book = Book(server);
        await book.Gate.WaitAsync(cancellationToken);
        return new Release(book.Gate);
    }

    /// <summary>The ledger of a server as the database reports it now, with what every other ApiTuning on it holds.</summary>
    /// <remarks>
    /// <paramref name="adminConnections"/> is each ApiTuning's own: every member of the server holds one admin
    /// connection, so the ledger counts that many times the members (at least this one).
    /// </remarks>
    public DatabaseLedger Ledger(DatabaseState database, string apiId, int reservedConnections, int adminConnections = 1)
    {
        ArgumentNullException.ThrowIfNull(database);
        var book = Book(database.Server);
        lock (book.Entries)
        {
            var members = book.Entries.Keys.Concat(book.Awaited).Append(apiId).Distinct(StringComparer.Ordinal).Count();
            return new DatabaseLedger
            {
                Server = database.Server,
                MaxConnections = database.MaxConnections,
                PendingMaxConnections = database.PendingMaxConnections,
                SuperuserReservedConnections = database.SuperuserReserved,
                AdminConnections = adminConnections * members,
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
            book.Awaited.Remove(entry.ApiId);
        }
    }

    /// <summary>An ApiTuning starts on a server: the others wait for what it holds before they spend its connections.</summary>
    public void Join(string server, string apiId)
    {
        var book = Book(server);
        lock (book.Entries)
        {
            if (!book.Entries.ContainsKey(apiId))
            {
                book.Awaited.Add(apiId);
            }
        }
    }

    /// <summary>An ApiTuning has had a pass that could not tell what it holds (its pool is unknown): nobody waits for it.</summary>
    public void Settle(string server, string apiId)
    {
        var book = Book(server);
        lock (book.Entries)
        {
            book.Awaited.Remove(apiId);
        }
    }

    /// <summary>The other members of the server whose holdings are not recorded yet.</summary>
    public IReadOnlyList<string> Awaited(string server, string apiId)
    {
        var book = Book(server);
        lock (book.Entries)
        {
            return [.. book.Awaited.Where(a => a != apiId).Order(StringComparer.Ordinal)];
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
                    book.Awaited.Remove(apiId);
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

        /// <summary>Members that joined and have not recorded a holding yet (guarded by <see cref="Entries"/>' lock).</summary>
        public HashSet<string> Awaited { get; } = new(StringComparer.Ordinal);
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
