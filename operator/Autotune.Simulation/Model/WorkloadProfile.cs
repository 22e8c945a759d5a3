namespace Autotune.Simulation.Model;

/// <summary>What one request costs: CPU in the API, database queries, the network between them, and how it waits.</summary>
public sealed record WorkloadProfile
{
    /// <summary>CPU time the API spends per request, in milliseconds.</summary>
    public double CpuMs { get; init; } = 2.0;

    /// <summary>Database round trips per request (each holds the pooled connection).</summary>
    public double QueriesPerRequest { get; init; } = 1.0;

    /// <summary>Database CPU per query when the server is idle, in milliseconds.</summary>
    public double QueryCpuMs { get; init; } = 0.5;

    /// <summary>Network round trip between the API and the database, in milliseconds.</summary>
    public double NetworkRttMs { get; init; } = 0.3;

    /// <summary>Time per request awaiting another service (a cache, an HTTP call) without a database connection, in milliseconds.</summary>
    public double ExternalWaitMs { get; init; }

    /// <summary>Share of requests that block their thread (sync-over-async) through its external wait, pool wait and database time, 0..1.</summary>
    public double BlockingShare { get; init; }

    /// <summary>
    /// True when the blocking requests block on async work (sync-over-async, <c>.Result</c> on an async database call):
    /// the continuation that unblocks the thread needs a pool thread itself and queues behind the thread-pool
    /// backlog, so a blocked thread also holds through the queue's wait. A backlog then feeds itself: the service
    /// collapses, and stays collapsed under continued load until the queue is shed or the process replaced.
    /// </summary>
    public bool SyncOverAsync { get; init; }

    /// <summary>Coefficient of variation of a request's service time (the shape of the latency distribution).</summary>
    public double ServiceVariability { get; init; } = 0.6;
}
