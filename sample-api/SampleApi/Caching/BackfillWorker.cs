using StackExchange.Redis;

namespace SampleApi.Caching;

/// <summary>
/// Writes queued backfills to Redis (version-checked), up to a batch at a time so they pipeline over the one
/// connection; each failure is counted and logged at Debug.
/// </summary>
internal sealed partial class BackfillWorker(BackfillQueue queue, RedisUserCache redis, CacheMetrics metrics, ILogger<BackfillWorker> logger) : BackgroundService
{
    private const int BatchSize = 64;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Task>(BatchSize);
        while (await queue.Reader.WaitToReadAsync(stoppingToken))
        {
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var user))
            {
                batch.Add(BackfillAsync(user));
            }

            await Task.WhenAll(batch);
            batch.Clear();
        }
    }

    private async Task BackfillAsync(Data.User user)
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backfill of user {UserId} into Redis failed ({Error}); counted in sample_api.cache_failures")]
    private static partial void LogFailed(ILogger logger, long userId, string error);
}
