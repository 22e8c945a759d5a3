using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SampleApi.Data;
using SampleApi.Hosting;
using SampleApi.Json;
using StackExchange.Redis;

namespace SampleApi.Caching;

/// <summary>
/// The shared cache. Each user is a hash of its version and JSON; every write to it is a version-checked script,
/// so an older row never replaces a newer one, and an invalidation leaves a tombstone of the new version.
/// Reads are bounded: a slow or absent Redis means a miss, not an error.
/// </summary>
internal sealed class RedisUserCache
{

    // Keeps the stored entry when it holds a newer version; an empty data field is a tombstone.
    private const string SetIfNotOlder = """
        local current = redis.call('HGET', KEYS[1], 'v')
        if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """;

    // The tombstone and the broadcast in one round trip; the tombstone lands before anyone hears of it.
    private const string TombstoneAndPublish = """
        local current = redis.call('HGET', KEYS[1], 'v')
        if not (current and tonumber(current) > tonumber(ARGV[1])) then
          redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', '')
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    private static readonly RedisValue[] Fields = ["v", "d"];
    private readonly IConnectionMultiplexer? _redis;
    private readonly CacheMetrics _metrics;
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _writeTimeout;
    private readonly long _ttlMs;
    private readonly string _prefix;
    private readonly string _channelName;

    public RedisUserCache(IOptions<SampleApiOptions> options, CacheMetrics metrics, IConnectionMultiplexer? redis = null)
    {
        var cache = options.Value.Cache;
        _redis = cache.RedisEnabled ? redis : null;
        _metrics = metrics;
        _readTimeout = TimeSpan.FromMilliseconds(cache.RedisReadTimeoutMilliseconds);
        _writeTimeout = TimeSpan.FromMilliseconds(cache.RedisWriteTimeoutMilliseconds);
        _ttlMs = cache.RedisTtlSeconds * 1000L;
        _prefix = cache.RedisKeyPrefix;
        _channelName = _prefix + "users:invalidate";
        InvalidationChannel = RedisChannel.Literal(_channelName);
    }

    /// <summary>The pub/sub channel of invalidations: messages are <c>id:version</c>.</summary>
    public RedisChannel InvalidationChannel { get; }

    public bool Enabled => _redis is not null;

    /// <summary>The user, or null on a miss, a tombstone, a timeout or an error (counted).</summary>
    public async Task<User?> TryGetAsync(long id)
    {
        if (_redis is null)
        {
            return null;
        }

        if (!_redis.IsConnected)
        {
            _metrics.RedisReadFailed();
            return null;
        }

        try
        {
            var values = await Bounded(_redis.GetDatabase().HashGetAsync(Key(id), Fields), _readTimeout);
            if (values[1].IsNullOrEmpty)
            {
                return null;
            }

            return JsonSerializer.Deserialize((byte[])values[1]!, AppJsonContext.Default.User);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            _metrics.RedisReadFailed();
            return null;
        }
    }

    /// <summary>Stores a user unless Redis holds a newer version; throws when Redis fails (the caller counts it).</summary>
    public async Task SetAsync(User user)
    {
        if (_redis is null)
        {
            return;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(user, AppJsonContext.Default.User);
        await Bounded(Script(user.Id, user.Version, json), _writeTimeout);
    }

    /// <summary>
    /// Leaves a tombstone of <paramref name="version"/> and tells every process to drop older versions.
    /// Returns false (counted) when Redis could not take it; the write itself already happened.
    /// </summary>
    public async Task<bool> InvalidateAsync(long id, long version)
    {
        if (_redis is null)
        {
            return true;
        }

        try
        {
            var message = string.Create(CultureInfo.InvariantCulture, $"{id}:{version}");
            await Bounded(
                _redis.GetDatabase().ScriptEvaluateAsync(TombstoneAndPublish, [Key(id)], [version, _ttlMs, _channelName, message]),
                _writeTimeout);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _metrics.InvalidationFailed();
            return false;
        }
    }

    /// <summary>Answers a PING within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(TimeSpan timeout)
    {
        if (_redis is null)
        {
            return true;
        }

        try
        {
            await Bounded(_redis.GetDatabase().PingAsync(), timeout);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Parses an invalidation message.</summary>
    public static bool TryParseInvalidation(string? message, out long id, out long version)
    {
        id = version = 0;
        if (message is null)
        {
            return false;
        }

        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && long.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out id)
            && long.TryParse(message.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    private Task<RedisResult> Script(long id, long version, RedisValue data) =>
        _redis!.GetDatabase().ScriptEvaluateAsync(SetIfNotOlder, [Key(id)], [version, data, _ttlMs]);

    private RedisKey Key(long id) => string.Create(CultureInfo.InvariantCulture, $"{_prefix}user:{id}");

    // Waits at most `timeout`; the abandoned operation's outcome is still observed, never left unobserved. An
    // operation that finishes in time is observed by the await itself, so only an abandoned one gets a continuation.
    private static async Task<T> Bounded<T>(Task<T> operation, TimeSpan timeout)
    {
        try
        {
            return await operation.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _ = operation.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }
}
