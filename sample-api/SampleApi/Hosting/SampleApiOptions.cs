namespace SampleApi.Hosting;

/// <summary>The sample API's settings, bound from the <c>SampleApi</c> configuration section (env: <c>SampleApi__Name</c>).</summary>
public sealed class SampleApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "SampleApi";

    /// <summary>The secret a caller presents as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>. Required.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Requests per second the token bucket refills (all callers together).</summary>
    public int RateLimitPerSecond { get; set; } = 2_000;

    /// <summary>Requests the token bucket lets through at once.</summary>
    public int RateLimitBurst { get; set; } = 4_000;

    /// <summary>Largest request body of an ordinary request.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest body of POST /users/batch (streamed, never buffered whole).</summary>
    public long MaxBatchBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Requests slower than this are logged at Warning (every request at Debug).</summary>
    public int SlowRequestMilliseconds { get; set; } = 500;

    /// <summary>Users inserted (binary COPY) when the table is empty on first start.</summary>
    public int SeedUsers { get; set; } = 100_000;

    /// <summary>Seconds to wait for a pooled connection (Npgsql <c>Timeout</c>) before answering 503.</summary>
    public int PoolWaitTimeoutSeconds { get; set; } = 2;

    /// <summary>Server-side statement timeout; a slow query ends as an error on the server, not by a client cancel.</summary>
    public int QueryTimeoutMilliseconds { get; set; } = 2_000;

    /// <summary>The caches of GET /users/{id}.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>Demonstration load profiles, off by default.</summary>
    public DemoOptions Demo { get; set; } = new();

    /// <summary>Maps GET /bare before every middleware: the benchmark's baseline. Off by default.</summary>
    public bool BareEndpoint { get; set; }
}

/// <summary>Cache-aside settings.</summary>
public sealed class CacheOptions
{
    /// <summary>Use the in-process cache.</summary>
    public bool LocalEnabled { get; set; } = true;

    /// <summary>Seconds an in-process entry lives; bounds staleness when an invalidation is missed (Redis down).</summary>
    public int LocalTtlSeconds { get; set; } = 30;

    /// <summary>Most entries the in-process cache holds.</summary>
    public int LocalCapacity { get; set; } = 100_000;

    /// <summary>Use Redis (when a Redis connection string is set).</summary>
    public bool RedisEnabled { get; set; } = true;

    /// <summary>Prefix of this API's Redis keys and invalidation channel, so several APIs can share one Redis.</summary>
    public string RedisKeyPrefix { get; set; } = "sample-api:";

    /// <summary>Seconds a Redis entry lives.</summary>
    public int RedisTtlSeconds { get; set; } = 300;

    /// <summary>How long a read waits for Redis before falling through to PostgreSQL.</summary>
    public int RedisReadTimeoutMilliseconds { get; set; } = 50;

    /// <summary>How long a write waits for Redis to take an invalidation.</summary>
    public int RedisWriteTimeoutMilliseconds { get; set; } = 250;
}

/// <summary>
/// Demonstration settings that make the API behave like a badly written or remotely hosted one, so the
/// operator has something to tune. Never turn them on in production.
/// </summary>
public sealed class DemoOptions
{
    /// <summary>Reads use synchronous Npgsql calls on the request thread (thread-pool starvation under load).</summary>
    public bool BlockingDataPath { get; set; }

    /// <summary>Each query first sleeps this long on the server (pg_sleep), holding its connection like a remote round trip.</summary>
    public double SimulatedRoundTripMilliseconds { get; set; }
}
