using System.Data;
using System.Diagnostics;
using Autotune.Agent.Metrics;
using Npgsql;

namespace Autotune.Agent.Data;

/// <summary>
/// Follows a connection handed out closed (EF Core opens and closes its connection once per operation, and a
/// context may outlive a pool swap): every open counts on its generation and every close records the hold time.
/// </summary>
internal sealed class ReopenableLease
{
    private readonly PoolGeneration _generation;
    private readonly AgentMetrics _metrics;
    private long _openedAt;

    private ReopenableLease(PoolGeneration generation, AgentMetrics metrics)
    {
        _generation = generation;
        _metrics = metrics;
    }

    /// <summary>Starts following a connection the generation created and has not opened.</summary>
    public static void Attach(NpgsqlConnection connection, PoolGeneration generation, AgentMetrics metrics)
    {
        var lease = new ReopenableLease(generation, metrics);
        connection.StateChange += lease.OnStateChange;
        generation.TrackCreated(connection);
    }

    private void OnStateChange(object sender, StateChangeEventArgs e)
    {
        if (e.CurrentState == ConnectionState.Open && e.OriginalState != ConnectionState.Open)
        {
            // Opened by the app itself, past the swap gate: counted, not held back, and the bound no longer claimed.
            _generation.AddOpen();
            _generation.BeginOpen();
            _generation.AfterOpen();
            _metrics.MarkSwapUnbounded();
            Volatile.Write(ref _openedAt, Stopwatch.GetTimestamp());
        }
        else if (e.CurrentState is ConnectionState.Closed or ConnectionState.Broken && e.OriginalState == ConnectionState.Open)
        {
            _metrics.RecordUseTime(Stopwatch.GetElapsedTime(Volatile.Read(ref _openedAt)));
            _generation.CloseIdleIfRetired();
            _generation.EndOpen();
            _generation.Release();
        }
    }
}
