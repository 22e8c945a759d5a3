using StackExchange.Redis;

namespace SampleApi.Caching;

/// <summary>Writes queued backfills to Redis (version-checked); each failure is counted and logged at Debug.</summary>
internal sealed partial class BackfillWorker(BackfillQueue queue, RedisUserCache redis, CacheMetrics metrics, ILogger<BackfillWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var user in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await redis.SetAsync(user);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                metrics.BackfillFailed();
                LogFailed(logger, user.Id, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backfill of user {UserId} into Redis failed ({Error}); counted in sample_api.cache_failures")]
    private static partial void LogFailed(ILogger logger, long userId, string error);
}
