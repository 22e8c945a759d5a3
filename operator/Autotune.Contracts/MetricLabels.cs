namespace Autotune.Contracts;

/// <summary>Label names (Prometheus form) and values the operator reads.</summary>
public static class MetricLabels
{
    /// <summary>HTTP status code of a request.</summary>
    public const string StatusCode = "http_response_status_code";

    /// <summary>Route template of a request.</summary>
    public const string Route = "http_route";

    /// <summary>Npgsql pool name; the agent gives each pool generation its own.</summary>
    public const string PoolName = "db_client_connection_pool_name";

    /// <summary>Npgsql connection state.</summary>
    public const string ConnectionState = "db_client_connection_state";

    /// <summary>A pooled connection in use.</summary>
    public const string StateUsed = "used";

    /// <summary>A pooled connection idle.</summary>
    public const string StateIdle = "idle";

    /// <summary>SQLSTATE of a failed connection open.</summary>
    public const string SqlState = "db_response_status_code";

    /// <summary>CPU mode of <c>dotnet.process.cpu.time</c> and <c>system.cpu.time</c>.</summary>
    public const string CpuMode = "cpu_mode";

    /// <summary>The machine's idle CPU time (<c>system.cpu.time</c>).</summary>
    public const string CpuModeIdle = "idle";

    /// <summary>The machine's CPU time idle while waiting for I/O (<c>system.cpu.time</c>): the CPU could have run a thread.</summary>
    public const string CpuModeIoWait = "iowait";

    /// <summary>CPU time the hypervisor gave to other guests while this machine wanted it (<c>system.cpu.time</c>).</summary>
    public const string CpuModeSteal = "steal";

    /// <summary>Why a tuning file was rejected; why a request was shed.</summary>
    public const string Reason = "reason";

    /// <summary>A request shed (<c>reason</c>) because it waited past the deadline before the app got to it: answered 503.</summary>
    public const string ShedWaited = "waited";

    /// <summary>A request shed (<c>reason</c>) because its caller had closed the connection before the app got to it: not answered.</summary>
    public const string ShedCallerGone = "caller_gone";

    /// <summary>
    /// A request shed (<c>reason</c>) because, let through in time, it passed the deadline inside the app before it
    /// opened a database connection: failed before waiting for, or holding, a pooled connection.
    /// </summary>
    public const string ShedExpired = "expired";

    /// <summary>The histogram bucket bound label.</summary>
    public const string Le = "le";
}
