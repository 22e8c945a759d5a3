using System.Data.Common;
using Npgsql;

namespace Autotune.Agent;

/// <summary>
/// The application's way to PostgreSQL: opens connections from the pool generation the agent currently applies,
/// measures pool wait and hold times, and counts open failures. Registered as a singleton.
/// </summary>
public interface ITunedDataSource
{
    /// <summary>Opens a connection from the current pool generation. Dispose it to return it (that ends its lease).</summary>
    ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates a closed connection from the current pool generation, for code that opens and closes it itself (the
    /// shape of <c>new NpgsqlConnection(connectionString)</c>). It may be opened and closed any number of times; its
    /// pool is kept until the connection is no longer reachable.
    /// </summary>
    NpgsqlConnection CreateConnection();

    /// <summary>
    /// This data source as an ADO.NET <see cref="System.Data.Common.DbDataSource"/> (also registered as the
    /// <see cref="System.Data.Common.DbDataSource"/> service): give it to EF Core's <c>UseNpgsql</c>, or to Dapper and
    /// any code written against <see cref="System.Data.Common.DbDataSource"/>.
    /// </summary>
    DbDataSource DbDataSource { get; }

    /// <summary>
    /// True when <paramref name="connection"/> was made by <see cref="CreateConnection"/> from a pool generation that
    /// has since been replaced: code that keeps a connection across uses (EF Core's pooled contexts keep theirs) swaps
    /// it for a new one before opening it again, so that it follows the pool size now applied.
    /// </summary>
    bool IsFromRetiredPool(DbConnection connection);

    /// <summary>
    /// Records an open of a connection from <see cref="CreateConnection"/> that its owner made itself (EF Core's, through
    /// the EF Core package's interceptor): its time counts in the wait-time histogram like an open through
    /// <see cref="OpenConnectionAsync"/>, and a failure counts by SQLSTATE and, when the server restarted, clears the pool.
    /// </summary>
    void RecordOpen(DbConnection connection, TimeSpan elapsed, Exception? failure);

    /// <summary>Opens a connection synchronously; only for the labelled blocking demonstration profile.</summary>
    NpgsqlConnection OpenConnection();

    /// <summary>The maximum pool size of the current pool generation.</summary>
    int MaxPoolSize { get; }

    /// <summary>The Npgsql pool name of the current pool generation.</summary>
    string PoolName { get; }

    /// <summary>
    /// Runs an idempotent read on a fresh connection. When it fails because the server restarted (57P01, 08006 or a
    /// connection lost mid-use), the pool is cleared and the read runs once more on a new connection.
    /// </summary>
    Task<T> ExecuteIdempotentReadAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>Synchronous <see cref="ExecuteIdempotentReadAsync{T}"/>; only for the labelled blocking demonstration profile.</summary>
    T ExecuteIdempotentRead<T>(Func<NpgsqlConnection, T> read);

    /// <summary>Drops every idle connection of the current pool generation (what the agent does when the server restarted).</summary>
    void ClearPool();
}
