namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// What every ApiTuning on each database server (keyed by host:port) holds, and which members have not said yet.
/// An ApiTuning joins its server when it starts; until every member has recorded what it holds, the others do not
/// spend the server's connections (a decision made before would count a member's pool as free). Decisions for one
/// server are made one at a time against it (the host serialises them), each pass reading <see cref="View"/> and
/// recording its <see cref="LedgerChange"/> before the next. Thread-safe; no I/O.
/// </summary>
public sealed class LedgerBook
{
    private readonly Dictionary<string, ServerBook> _servers = new(StringComparer.Ordinal);

    /// <summary>What the other members of <paramref name="server"/> hold, and who has not said yet.</summary>
    public ServerView View(string server, string apiId)
    {
        var book = Book(server);
        lock (book)
        {
            var members = book.Entries.Keys.Concat(book.Awaited).Append(apiId).Distinct(StringComparer.Ordinal).Count();
            return new ServerView(
                [.. book.Entries.Values.Where(e => e.ApiId != apiId)],
                [.. book.Awaited.Where(a => a != apiId).Order(StringComparer.Ordinal)],
                members,
                book.Entries.GetValueOrDefault(apiId));
        }
    }

    /// <summary>Records what a pass left this ApiTuning holding.</summary>
    public void Apply(string server, string apiId, LedgerChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change is LedgerChange.Hold hold)
        {
            Record(server, hold.Entry);
        }
        else if (ReferenceEquals(change, LedgerChange.Unknown))
        {
            Settle(server, apiId);
        }
    }

    /// <summary>Records what one ApiTuning holds (and claims, while a change is in flight).</summary>
    public void Record(string server, LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var book = Book(server);
        lock (book)
        {
            book.Entries[entry.ApiId] = entry;
            book.Awaited.Remove(entry.ApiId);
        }
    }

    /// <summary>An ApiTuning starts on a server: the others wait for what it holds before they spend its connections.</summary>
    public void Join(string server, string apiId)
    {
        var book = Book(server);
        lock (book)
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
        lock (book)
        {
            book.Awaited.Remove(apiId);
        }
    }

    /// <summary>The other members of the server whose holdings are not recorded yet.</summary>
    public IReadOnlyList<string> Awaited(string server, string apiId) => View(server, apiId).Awaited;

    /// <summary>Forgets an ApiTuning (deleted, or moved to another server).</summary>
    public void Forget(string apiId)
    {
        lock (_servers)
        {
            foreach (var book in _servers.Values)
            {
                lock (book)
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
        public Dictionary<string, LedgerEntry> Entries { get; } = new(StringComparer.Ordinal);

        /// <summary>Members that joined and have not recorded a holding yet.</summary>
        public HashSet<string> Awaited { get; } = new(StringComparer.Ordinal);
    }
}
