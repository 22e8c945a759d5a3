using StackExchange.Redis;

namespace SampleApi.Caching;

/// <summary>
/// Listens for invalidations from every process sharing Redis. After a reconnect it empties the in-process cache,
/// because invalidations sent while it was disconnected were missed.
/// </summary>
internal sealed partial class InvalidationSubscriber(
    LocalUserCache local,
    UserFlights flights,
    RedisUserCache cache,
    ILogger<InvalidationSubscriber> logger,
    IConnectionMultiplexer? redis = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis is null || !local.Enabled)
        {
            return;
        }

        redis.ConnectionRestored += OnRestored;
        try
        {
            await redis.GetSubscriber().SubscribeAsync(cache.InvalidationChannel, (_, message) => OnMessage(message));
        }
        catch (RedisException ex)
        {
            // The multiplexer subscribes again when it connects; until then the local TTL bounds staleness.
            LogSubscribeFailed(logger, ex.GetType().Name);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (redis is null || !local.Enabled)
        {
            return;
        }

        redis.ConnectionRestored -= OnRestored;
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(cache.InvalidationChannel);
        }
        catch (RedisException)
        {
            // Shutting down anyway.
        }
    }

    private void OnMessage(RedisValue message)
    {
        if (RedisUserCache.TryParseInvalidation(message, out var id, out var version))
        {
            local.Invalidate(id, version);
            flights.Forget(id);
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        local.Clear();
        LogCleared(logger, e.ConnectionType.ToString());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not subscribe to cache invalidations yet ({Error})")]
    private static partial void LogSubscribeFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {ConnectionType} connection restored; in-process cache emptied (invalidations may have been missed)")]
    private static partial void LogCleared(ILogger logger, string connectionType);
}
