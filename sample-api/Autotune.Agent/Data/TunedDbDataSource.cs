using System.Data.Common;

namespace Autotune.Agent.Data;

/// <summary>
/// <see cref="ITunedDataSource"/> as an ADO.NET <see cref="DbDataSource"/>: what EF Core's <c>UseNpgsql</c>, Dapper
/// and any code written against <see cref="DbDataSource"/> take. Every connection comes from the pool generation
/// current when it is created (closed) or opened.
/// </summary>
internal sealed class TunedDbDataSource(TunedDataSource tuned) : DbDataSource
{
    /// <summary>The current generation's connection string, as Npgsql shows it (no password).</summary>
    public override string ConnectionString => tuned.CurrentConnectionString;

    protected override DbConnection CreateDbConnection() => tuned.CreateConnection();

    protected override DbConnection OpenDbConnection() => tuned.OpenConnection();

    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default) =>
        await tuned.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
}
