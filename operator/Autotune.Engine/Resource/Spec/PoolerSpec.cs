using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// A connection pooler between the APIs and PostgreSQL (PgBouncer, Pgpool-II, a cloud proxy). The APIs' pools then
/// share the pooler's client limit, not the server's max_connections, and the pooler multiplexes them onto its own
/// server connections, so raising max_connections gives the APIs nothing: the knob is refused with a pooler.
/// </summary>
public sealed record PoolerSpec
{
    /// <summary>What the pooler is, for messages (e.g. PgBouncer).</summary>
    [Length(1, 63)]
    [RegularExpression(SpecPatterns.PoolerName, ErrorMessage = "a name: a letter, then letters, digits, '.', '_' or '-'")]
    public required string Name { get; init; }

    /// <summary>
    /// The client connections the pooler accepts (PgBouncer's <c>max_client_conn</c>): every pod's pool, surge pods
    /// included, plus postgres.reservedConnections, stays within it.
    /// </summary>
    [Range(1, 1_000_000)]
    public required int MaxClientConnections { get; init; }
}
