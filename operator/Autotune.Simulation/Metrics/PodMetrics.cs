using Autotune.Contracts;

namespace Autotune.Simulation.Metrics;

/// <summary>What one simulated pod has counted since it started (counters, histograms) and reads now (gauges): the agent's registry.</summary>
public sealed class PodMetrics
{
    /// <summary>Durations of requests answered 200.</summary>
    public SimHistogram RequestsOk { get; } = new(HistogramBuckets.RequestDuration);

    /// <summary>Durations of requests answered 500 (the database refused or dropped the connection).</summary>
    public SimHistogram RequestsFailed { get; } = new(HistogramBuckets.RequestDuration);

    /// <summary>Durations of requests answered 503 (no pooled connection within the pool timeout).</summary>
    public SimHistogram RequestsUnavailable { get; } = new(HistogramBuckets.RequestDuration);

    /// <summary>Time to obtain a pooled connection.</summary>
    public SimHistogram PoolWait { get; } = new(HistogramBuckets.Connection);

    /// <summary>Time a pooled connection was held.</summary>
    public SimHistogram PoolUse { get; } = new(HistogramBuckets.Connection);

    /// <summary>CPU seconds used.</summary>
    public double CpuSeconds { get; set; }

    /// <summary>
    /// Thread-pool work items completed: <see cref="WorkItemsPerRequest"/> for each request that got a thread. A pool
    /// whose threads are blocked completes few, so its queue waits long (queue / completion rate).
    /// </summary>
    public double WorkItems { get; set; }

    /// <summary>Work items a request runs on the pool (the request and one continuation).</summary>
    public const double WorkItemsPerRequest = 2;

    /// <summary>Requests answered 503 at once by the shedding middleware, having waited past its deadline for a thread.</summary>
    public double RequestsShed { get; set; }

    /// <summary>Requests that gave up waiting for a pooled connection.</summary>
    public double PoolTimeouts { get; set; }

    /// <summary>Failed connection opens by SQLSTATE (or <c>other</c>).</summary>
    public SortedDictionary<string, double> OpenFailures { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests in the process now.</summary>
    public double ActiveRequests { get; set; }

    /// <summary>Thread-pool queue length now.</summary>
    public double QueueLength { get; set; }

    /// <summary>How long work queued for a thread waits now, seconds (the agent's queue-delay probe).</summary>
    public double QueueDelaySeconds { get; set; }

    /// <summary>Thread-pool threads now.</summary>
    public double ThreadCount { get; set; }

    /// <summary>Pooled connections in use now.</summary>
    public double PoolUsed { get; set; }

    /// <summary>Pooled connections open and idle now.</summary>
    public double PoolIdle { get; set; }

    /// <summary>Requests waiting for a pooled connection now.</summary>
    public double PoolPending { get; set; }

    /// <summary>Physical connections open now.</summary>
    public double PhysicalConnections { get; set; }

    /// <summary>Adds failed opens under <paramref name="sqlState"/>.</summary>
    public void CountOpenFailures(string sqlState, double count)
    {
        if (count <= 0)
        {
            return;
        }

        OpenFailures[sqlState] = OpenFailures.GetValueOrDefault(sqlState) + count;
    }
}
