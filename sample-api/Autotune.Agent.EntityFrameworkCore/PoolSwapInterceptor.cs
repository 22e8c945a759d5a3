using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Autotune.Agent.EntityFrameworkCore;

/// <summary>
/// Before a context opens a connection made by a pool generation that has since been replaced, gives the context a
/// new connection from the current one. EF Core keeps a pooled context's connection across leases, so without this
/// a pooled context would stay on the pool size it started with. Also reports each open EF Core makes (its time, or
/// its failure) to the agent, which cannot see them otherwise.
/// </summary>
internal sealed class PoolSwapInterceptor(ITunedDataSource tuned) : DbConnectionInterceptor
{
    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Refresh(connection, eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
        DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        Refresh(connection, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        tuned.RecordOpen(connection, eventData.Duration, failure: null);
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionOpened(connection, eventData);
        return Task.CompletedTask;
    }

    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        tuned.RecordOpen(connection, eventData.Duration, eventData.Exception);
    }

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionFailed(connection, eventData);
        return Task.CompletedTask;
    }

    private void Refresh(DbConnection connection, DbContext? context)
    {
        if (context is not null && tuned.IsFromRetiredPool(connection))
        {
            // Before EF Core opens: the context owns the new connection from here on. The old one is closed and no
            // longer referenced by the context, so its retired pool generation is disposed once it is collected.
            context.Database.SetDbConnection(tuned.CreateConnection(), contextOwnsConnection: true);
        }
    }
}
