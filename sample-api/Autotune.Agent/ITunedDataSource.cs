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
