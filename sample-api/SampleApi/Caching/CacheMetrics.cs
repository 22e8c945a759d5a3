using System.Diagnostics.Metrics;

namespace SampleApi.Caching;

/// <summary>
/// Counts what the cache path does, on the <c>SampleApi</c> meter and as plain totals: failures are counted,
/// never silently dropped.
/// </summary>
public sealed class CacheMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SampleApi";

    private readonly Counter<long> _reads;
    private readonly Counter<long> _failures;
    private long _backfillFailures;
    private long _backfillDropped;
    private long _invalidationFailures;
    private long _redisReadFailures;
    private long _databaseReads;

    /// <summary>Creates the instruments.</summary>
    public CacheMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _reads = meter.CreateCounter<long>("sample_api.user_reads", description: "GET /users/{id} answers by the layer that served them");
        _failures = meter.CreateCounter<long>("sample_api.cache_failures", description: "Cache operations that failed or timed out, by operation");
    }

    /// <summary>Backfills into Redis that failed.</summary>
    public long BackfillFailures => Interlocked.Read(ref _backfillFailures);

    /// <summary>Backfills dropped because the queue was full.</summary>
    public long BackfillDropped => Interlocked.Read(ref _backfillDropped);

    /// <summary>Invalidations that could not reach Redis.</summary>
    public long InvalidationFailures => Interlocked.Read(ref _invalidationFailures);

    /// <summary>Redis reads that failed or timed out and fell through to PostgreSQL.</summary>
    public long RedisReadFailures => Interlocked.Read(ref _redisReadFailures);

    /// <summary>Reads that reached PostgreSQL.</summary>
    public long DatabaseReads => Interlocked.Read(ref _databaseReads);

    internal void Served(string layer)
    {
        if (layer == "database")
        {
            Interlocked.Increment(ref _databaseReads);
        }

        _reads.Add(1, new KeyValuePair<string, object?>("layer", layer));
    }

    internal void BackfillFailed() => Fail(ref _backfillFailures, "backfill");

    internal void BackfillWasDropped() => Fail(ref _backfillDropped, "backfill_dropped");

    internal void InvalidationFailed() => Fail(ref _invalidationFailures, "invalidate");

    internal void RedisReadFailed() => Fail(ref _redisReadFailures, "read");

    private void Fail(ref long total, string operation)
    {
        Interlocked.Increment(ref total);
        _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));
    }
}
