using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>Runs a read that may safely run twice, retrying it once on a fresh connection when the server restarted under it.</summary>
internal static class IdempotentRead
{
    public static async Task<T> ExecuteAsync<T>(TunedDataSource source, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var opened = false;
            try
            {
                var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    opened = true;
                    return await read(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (attempt == 1 && OpenFailureClassifier.MeansServerRestarted(ex) && !cancellationToken.IsCancellationRequested)
            {
                // A failed open was already counted and cleared the pool; a dead pooled connection is counted here.
                if (opened)
                {
                    source.OnServerRestartSeen(ex);
                }
            }
        }
    }

    public static T Execute<T>(TunedDataSource source, Func<NpgsqlConnection, T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            var opened = false;
            try
            {
                using var connection = source.OpenConnection();
                opened = true;
                return read(connection);
            }
            catch (Exception ex) when (attempt == 1 && OpenFailureClassifier.MeansServerRestarted(ex))
            {
                if (opened)
                {
                    source.OnServerRestartSeen(ex);
                }
            }
        }
    }
}
