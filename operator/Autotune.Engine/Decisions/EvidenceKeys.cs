namespace Autotune.Engine.Decisions;

/// <summary>Names of the numbers in a decision's evidence, all in one place.</summary>
public static class EvidenceKeys
{
    /// <summary>Requests per second.</summary>
    public const string Rps = "rps";

    /// <summary>P99 latency, ms.</summary>
    public const string P99Ms = "p99Ms";

    /// <summary>Share of requests under the objective.</summary>
    public const string ShareUnderObjective = "shareUnderObjective";

    /// <summary>Pool wait P99, ms.</summary>
    public const string PoolWaitP99Ms = "poolWaitP99Ms";

    /// <summary>Pool usage, 0..1.</summary>
    public const string PoolUsage = "poolUsage";

    /// <summary>Requests waiting for a connection, per pod.</summary>
    public const string PendingRequests = "pendingRequests";

    /// <summary>Mean connection hold time, ms.</summary>
    public const string ConnectionHoldMs = "connectionHoldMs";

    /// <summary>Thread-pool queue length per pod.</summary>
    public const string QueueDepth = "queueDepth";

    /// <summary>Queue growth per second per pod.</summary>
    public const string QueueSlope = "queueSlopePerSecond";

    /// <summary>Thread-pool threads per pod at the end of the window.</summary>
    public const string Threads = "threads";

    /// <summary>CPU utilisation, 0..1.</summary>
    public const string Cpu = "cpuUtilization";

    /// <summary>Thread-pool work items completed per second per pod.</summary>
    public const string WorkItemsPerSecond = "workItemsPerSecond";

    /// <summary>The agent's measured thread-pool queue delay, longest per pod, ms.</summary>
    public const string QueueDelayMs = "queueDelayMs";

    /// <summary>Share of the machine's CPU idle, 0..1.</summary>
    public const string MachineCpuIdle = "machineCpuIdle";

    /// <summary>Share of the cgroup's CPU periods throttled, 0..1.</summary>
    public const string CgroupThrottled = "cgroupThrottled";

    /// <summary>Scrapes in the window.</summary>
    public const string Scrapes = "scrapes";

    /// <summary>Age of the window's end, seconds.</summary>
    public const string WindowAgeSeconds = "windowAgeSeconds";

    /// <summary>Slowest scrape, ms.</summary>
    public const string ScrapeLatencyMs = "scrapeLatencyMs";

    /// <summary>Free connections on the database server.</summary>
    public const string FreeConnections = "freeConnections";

    /// <summary>Concurrency Little's law asks for.</summary>
    public const string LittleConcurrency = "littleConcurrency";
}
