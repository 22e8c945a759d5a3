using Npgsql;

#pragma warning disable IDE0130 // Stands in for the agent's type until the agent branch is merged.
namespace Autotune.Agent;

/// <summary>Temporary stand-in for the agent's data source (deleted once the agent is merged).</summary>
public interface ITunedDataSource
{
    /// <summary>Opens a pooled connection.</summary>
    ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a pooled connection synchronously.</summary>
    NpgsqlConnection OpenConnection();

    /// <summary>The pool's maximum size.</summary>
    int MaxPoolSize { get; }
}

internal sealed class TemporaryTunedDataSource(NpgsqlDataSource dataSource, int maxPoolSize) : ITunedDataSource, IDisposable
{
    public int MaxPoolSize => maxPoolSize;

    public NpgsqlConnection OpenConnection() => dataSource.OpenConnection();

    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) => dataSource.OpenConnectionAsync(cancellationToken);

    public void Dispose() => dataSource.Dispose();
}
