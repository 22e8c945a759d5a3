using System.Data;
using System.Diagnostics;
using Autotune.Agent.Metrics;
using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>
/// Ties an opened connection to its pool generation: when the connection closes, the hold time is recorded and the
/// generation's lease ends, so a retired generation knows when it has drained, and its admission by the
/// <see cref="PoolSwapGate"/> ends with it.
/// </summary>
internal sealed class ConnectionLease
{
    private readonly PoolGeneration _generation;
    private readonly AgentMetrics _metrics;
    private readonly long _openedAt;
    private int _ended;

    private ConnectionLease(PoolGeneration generation, AgentMetrics metrics)
    {
        _generation = generation;
        _metrics = metrics;
        _openedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Starts tracking an open connection; the lease ends with the connection's first close.</summary>
    public static void Attach(NpgsqlConnection connection, PoolGeneration generation, AgentMetrics metrics)
    {
        var lease = new ConnectionLease(generation, metrics);
        connection.StateChange += lease.OnStateChange;
        if (connection.State == ConnectionState.Closed)
        {
            // Closed between open and subscription (a broken connection): end it now.
            lease.End(connection);
        }
    }

    private void OnStateChange(object sender, StateChangeEventArgs e)
    {
        if (e.CurrentState is ConnectionState.Closed or ConnectionState.Broken)
        {
            End((NpgsqlConnection)sender);
        }
    }

    private void End(NpgsqlConnection connection)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        connection.StateChange -= OnStateChange;
        _metrics.RecordUseTime(Stopwatch.GetElapsedTime(_openedAt));
        _generation.CloseIdleIfRetired();
        _generation.EndOpen();
        _generation.Release();
    }
}
