namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// Everything that spends the connections of one database server (host:port): its max_connections (running, and
/// a pending ALTER SYSTEM value awaiting restart), the reserve, and what every ApiTuning on it holds and has
/// claimed. Decisions for one server are made one at a time against it, each claiming its headroom, so two
/// ApiTunings never spend the same free connections.
/// </summary>
public sealed record DatabaseLedger
{
    /// <summary>The server, host:port.</summary>
    public required string Server { get; init; }

    /// <summary>max_connections the server runs with (SHOW max_connections).</summary>
    public required int MaxConnections { get; init; }

    /// <summary>A max_connections value set by ALTER SYSTEM and awaiting a restart (pending_restart), if any.</summary>
    public int? PendingMaxConnections { get; init; }

    /// <summary>superuser_reserved_connections of the server.</summary>
    public int SuperuserReservedConnections { get; init; } = 3;

    /// <summary>Connections the operator itself holds (its admin connection).</summary>
    public int AdminConnections { get; init; } = 1;

    /// <summary>Connections users keep free for other clients (the largest reservedConnections of the ApiTunings on it).</summary>
    public int ReservedConnections { get; init; }

    /// <summary>What each ApiTuning on the server holds and claims.</summary>
    public IReadOnlyList<LedgerEntry> Entries { get; init; } = [];

    /// <summary>All reserved connections: superuser + admin + the users' reserve.</summary>
    public int Reserved => SuperuserReservedConnections + AdminConnections + ReservedConnections;

    /// <summary>The max_connections every state must respect: the lower of the running and the pending value.</summary>
    public int EffectiveMaxConnections => Math.Min(MaxConnections, PendingMaxConnections ?? MaxConnections);

    /// <summary>Connections the ApiTunings may spend: effective max_connections minus the reserve.</summary>
    public int Capacity => EffectiveMaxConnections - Reserved;

    /// <summary>Connections claimed by all entries.</summary>
    public int Demand => Entries.Sum(e => e.Demand);

    /// <summary>Connections nobody has claimed (negative when the budget is broken).</summary>
    public int Free => Capacity - Demand;

    /// <summary>True when every claim fits.</summary>
    public bool Holds => Free >= 0;

    /// <summary>The entry of one ApiTuning, if it has one.</summary>
    public LedgerEntry? Find(string apiId) => Entries.FirstOrDefault(e => e.ApiId == apiId);

    /// <summary>Connections claimed by every ApiTuning but one.</summary>
    public int DemandExcept(string apiId) => Entries.Where(e => e.ApiId != apiId).Sum(e => e.Demand);

    /// <summary>The ledger with one ApiTuning's entry replaced (or added): how a decision claims its headroom.</summary>
    public DatabaseLedger With(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entries = Entries.Where(e => e.ApiId != entry.ApiId).Append(entry).ToList();
        return this with { Entries = entries };
    }
}
