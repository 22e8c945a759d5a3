namespace Autotune.Contracts;

/// <summary>
/// Every metric the agent exports and the operator reads. The Prometheus names are what the OpenTelemetry
/// Prometheus exporter writes for the instrument (dots to underscores, the unit as a suffix, <c>_total</c> on counters);
/// a test scrapes a real agent and checks each one.
/// </summary>
public static class MetricNames
{
    /// <summary>Meter of ASP.NET Core hosting (request duration, active requests).</summary>
    public const string AspNetCoreHostingMeter = "Microsoft.AspNetCore.Hosting";

    /// <summary>Meter of Kestrel (queued connections).</summary>
    public const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";

    /// <summary>The runtime's own meter (thread pool, CPU time).</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>Npgsql's meter (pool state).</summary>
    public const string NpgsqlMeter = "Npgsql";

    /// <summary>The agent's meter: what Npgsql does not emit, and the applied tuning.</summary>
    public const string AgentMeter = "Autotune.Agent";

    /// <summary>Server request duration in seconds; P99 and the share under the objective come from its buckets.</summary>
    public static readonly MetricName RequestDuration = new(
        "http.server.request.duration", "http_server_request_duration_seconds", MetricKind.Histogram, AspNetCoreHostingMeter);

    /// <summary>Requests being processed now.</summary>
    public static readonly MetricName ActiveRequests = new(
        "http.server.active_requests", "http_server_active_requests", MetricKind.Gauge, AspNetCoreHostingMeter);

    /// <summary>Connections accepted by Kestrel and waiting to be started: time no request histogram sees.</summary>
    public static readonly MetricName KestrelQueuedConnections = new(
        "kestrel.queued_connections", "kestrel_queued_connections", MetricKind.Gauge, KestrelMeter);

    /// <summary>
    /// Work items queued to the thread pool and not yet started. The runtime (.NET 9 and 10) declares it an observable
    /// counter, so the exporter writes it typed <c>counter</c> with <c>_total</c>, but its value goes up and down: read it as a gauge.
    /// </summary>
    public static readonly MetricName ThreadPoolQueueLength = new(
        "dotnet.thread_pool.queue.length", "dotnet_thread_pool_queue_length_total", MetricKind.Gauge, RuntimeMeter);

    /// <summary>
    /// Thread-pool threads that exist now. Like the queue length, declared an observable counter by the runtime (hence
    /// <c>_total</c>) although it goes up and down: read it as a gauge.
    /// </summary>
    public static readonly MetricName ThreadPoolThreadCount = new(
        "dotnet.thread_pool.thread.count", "dotnet_thread_pool_thread_count_total", MetricKind.Gauge, RuntimeMeter);

    /// <summary>
    /// Work items the thread pool has completed since the process started. With the queue length it says how long queued
    /// work waits for a thread (queue / completion rate, Little's law on the pool's queue): a busy async app completes
    /// tens of thousands a second and its queue drains in microseconds; a pool whose threads are blocked completes few.
    /// </summary>
    public static readonly MetricName ThreadPoolWorkItems = new(
        "dotnet.thread_pool.work_item.count", "dotnet_thread_pool_work_item_count_total", MetricKind.Counter, RuntimeMeter);

    /// <summary>CPU seconds the process used, by <c>cpu_mode</c> (user, system).</summary>
    public static readonly MetricName ProcessCpuTime = new(
        "dotnet.process.cpu.time", "dotnet_process_cpu_time_seconds_total", MetricKind.Counter, RuntimeMeter);

    /// <summary>Processors available to the process.</summary>
    public static readonly MetricName ProcessCpuCount = new(
        "dotnet.process.cpu.count", "dotnet_process_cpu_count", MetricKind.Gauge, RuntimeMeter);

    /// <summary>Npgsql: pooled connections by <c>db_client_connection_state</c> (idle, used).</summary>
    public static readonly MetricName PoolConnectionCount = new(
        "db.client.connection.count", "db_client_connection_count", MetricKind.Gauge, NpgsqlMeter);

    /// <summary>Npgsql: the pool's maximum size.</summary>
    public static readonly MetricName PoolConnectionMax = new(
        "db.client.connection.max", "db_client_connection_max", MetricKind.Gauge, NpgsqlMeter);

    /// <summary>Npgsql: requests waiting for a pooled connection (Npgsql 10 names it in its own namespace; the series appears after the first wait).</summary>
    public static readonly MetricName PoolPendingRequests = new(
        "db.client.connection.npgsql.pending_requests", "db_client_connection_npgsql_pending_requests", MetricKind.Gauge, NpgsqlMeter);

    /// <summary>Npgsql: requests that gave up waiting for a pooled connection (the series appears after the first timeout).</summary>
    public static readonly MetricName PoolTimeouts = new(
        "db.client.connection.npgsql.timeouts", "db_client_connection_npgsql_timeouts_total", MetricKind.Counter, NpgsqlMeter);

    /// <summary>Agent: time to obtain a pooled connection, in seconds.</summary>
    public static readonly MetricName PoolWaitTime = new(
        "db.client.connection.wait_time", "db_client_connection_wait_time_seconds", MetricKind.Histogram, AgentMeter);

    /// <summary>Agent: time a connection is held between open and close, in seconds (Little's-law pool sizing).</summary>
    public static readonly MetricName PoolUseTime = new(
        "db.client.connection.use_time", "db_client_connection_use_time_seconds", MetricKind.Histogram, AgentMeter);

    /// <summary>Agent: physical connections to the server open now, across every pool generation.</summary>
    public static readonly MetricName PhysicalConnections = new(
        "autotune.db.connections.open", "autotune_db_connections_open", MetricKind.Gauge, AgentMeter);

    /// <summary>Agent: connection opens that failed, by <c>db_response_status_code</c> (SQLSTATE or <c>other</c>).</summary>
    public static readonly MetricName ConnectionOpenFailures = new(
        "autotune.db.connection.open_failures", "autotune_db_connection_open_failures_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: generation of the tuning file now applied (0 before any).</summary>
    public static readonly MetricName AppliedGeneration = new(
        "autotune.tuning.generation", "autotune_tuning_generation", MetricKind.Gauge, AgentMeter);

    /// <summary>Agent: minimum worker threads now applied.</summary>
    public static readonly MetricName AppliedMinThreads = new(
        "autotune.tuning.thread_pool.min_threads", "autotune_tuning_thread_pool_min_threads", MetricKind.Gauge, AgentMeter);

    /// <summary>Agent: Npgsql maximum pool size now applied.</summary>
    public static readonly MetricName AppliedPoolSize = new(
        "autotune.tuning.db.max_pool_size", "autotune_tuning_db_max_pool_size", MetricKind.Gauge, AgentMeter);

    /// <summary>
    /// Agent: 1 when a live pool swap holds the process to max(old, new) physical connections (the new pool opens only
    /// as the old one's connections come back); 0 once the app opened a connection it created closed (EF Core), which
    /// passes no gate. A pod reporting 0, or without it (an older agent), is counted at the old pool's busy connections
    /// plus the whole new pool.
    /// </summary>
    public static readonly MetricName BoundedPoolSwap = new(
        "autotune.tuning.db.pool_swap.bounded", "autotune_tuning_db_pool_swap_bounded", MetricKind.Gauge, AgentMeter);

    /// <summary>Agent: tuning files that could not be applied (missing, invalid, half-written), by <c>reason</c>.</summary>
    public static readonly MetricName TuningFileRejected = new(
        "autotune.tuning.file.rejected", "autotune_tuning_file_rejected_total", MetricKind.Counter, AgentMeter);

    /// <summary>
    /// Agent: attempts to apply a valid tuning file that threw, retried at every poll. For alerts and people, not read
    /// by the operator, and absent until the first failure, so not in <see cref="All"/> (every name of which a scrape
    /// of a healthy agent shows).
    /// </summary>
    public static readonly MetricName TuningApplyFailures = new(
        "autotune.tuning.apply.failures", "autotune_tuning_apply_failures_total", MetricKind.Counter, AgentMeter);

    /// <summary>
    /// Agent: how long work queued to the thread pool now waits before a thread takes it, in seconds: the longer of
    /// the latest probe's wait and the age of the probe still queued. Time a request spends before the app sees it.
    /// </summary>
    public static readonly MetricName ThreadPoolQueueDelay = new(
        "autotune.thread_pool.queue.delay", "autotune_thread_pool_queue_delay_seconds", MetricKind.Gauge, AgentMeter);

    /// <summary>
    /// Agent: requests shed, by <c>reason</c>: <c>waited</c> (answered 503 at once, having waited longer than the
    /// shedding deadline before the app got to them), <c>caller_gone</c> (the caller had closed the connection already)
    /// or <c>expired</c> (let through in time, past the deadline when they went to open a database connection, and
    /// failed instead). Every series exists from the start, at 0.
    /// </summary>
    public static readonly MetricName RequestsShed = new(
        "autotune.http.requests.shed", "autotune_http_requests_shed_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: the shedding deadline in force, in seconds (0: shedding is off).</summary>
    public static readonly MetricName ShedAfter = new(
        "autotune.http.shed_after", "autotune_http_shed_after_seconds", MetricKind.Gauge, AgentMeter);

    /// <summary>
    /// Agent: CPU seconds of the whole machine (every CPU, from <c>/proc/stat</c>) by <c>cpu_mode</c> (user, nice,
    /// system, idle, iowait, interrupt, steal); the machine's idle share and steal, which the process's own CPU time cannot show.
    /// </summary>
    public static readonly MetricName SystemCpuTime = new(
        "system.cpu.time", "system_cpu_time_seconds_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: CPU seconds used by every process of the agent's cgroup (the container), cgroup v2 or v1.</summary>
    public static readonly MetricName CgroupCpuTime = new(
        "autotune.cgroup.cpu.time", "autotune_cgroup_cpu_time_seconds_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: CFS enforcement periods of the cgroup that had runnable tasks (<c>nr_periods</c>).</summary>
    public static readonly MetricName CgroupCpuPeriods = new(
        "autotune.cgroup.cpu.periods", "autotune_cgroup_cpu_periods_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: of those periods, the ones in which the cgroup ran out of its CPU quota (<c>nr_throttled</c>).</summary>
    public static readonly MetricName CgroupCpuThrottledPeriods = new(
        "autotune.cgroup.cpu.throttled_periods", "autotune_cgroup_cpu_throttled_periods_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: seconds the cgroup's tasks were held back by its CPU quota (<c>throttled_usec</c>; v1 <c>throttled_time</c>).</summary>
    public static readonly MetricName CgroupCpuThrottledTime = new(
        "autotune.cgroup.cpu.throttled_time", "autotune_cgroup_cpu_throttled_time_seconds_total", MetricKind.Counter, AgentMeter);

    /// <summary>Agent: the cgroup's CPU limit in cores (quota / period of <c>cpu.max</c>; v1 <c>cpu.cfs_quota_us</c>), 0 when it has none.</summary>
    public static readonly MetricName CgroupCpuLimit = new(
        "autotune.cgroup.cpu.limit", "autotune_cgroup_cpu_limit", MetricKind.Gauge, AgentMeter);

    /// <summary>The cgroup series: present where the process runs in a cgroup with the CPU controller (Linux containers).</summary>
    public static IReadOnlyList<MetricName> Cgroup { get; } =
        [CgroupCpuTime, CgroupCpuPeriods, CgroupCpuThrottledPeriods, CgroupCpuThrottledTime, CgroupCpuLimit];

    /// <summary>Every metric of the contract.</summary>
    public static IReadOnlyList<MetricName> All { get; } =
    [
        RequestDuration, ActiveRequests, KestrelQueuedConnections,
        ThreadPoolQueueLength, ThreadPoolThreadCount, ThreadPoolWorkItems, ProcessCpuTime, ProcessCpuCount,
        PoolConnectionCount, PoolConnectionMax, PoolPendingRequests, PoolTimeouts,
        PoolWaitTime, PoolUseTime, PhysicalConnections, ConnectionOpenFailures,
        AppliedGeneration, AppliedMinThreads, AppliedPoolSize, TuningFileRejected,
        ThreadPoolQueueDelay, RequestsShed, ShedAfter, SystemCpuTime,
        CgroupCpuTime, CgroupCpuPeriods, CgroupCpuThrottledPeriods, CgroupCpuThrottledTime, CgroupCpuLimit,
    ];
}
