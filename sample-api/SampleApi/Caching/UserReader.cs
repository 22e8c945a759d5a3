using SampleApi.Data;

namespace SampleApi.Caching;

/// <summary>
/// GET /users/{id}, cache-aside: the in-process cache, then Redis (bounded, a failure is a miss), then
/// PostgreSQL, with one load per id in flight and the Redis backfill queued off the response path.
/// </summary>
internal sealed class UserReader(LocalUserCache local, RedisUserCache redis, UserFlights flights, BackfillQueue backfill, UserStore store, CacheMetrics metrics)
{
    private readonly Func<long, Task<User?>> _load = id => LoadAsync(id, local, redis, backfill, store, metrics);

    public Task<User?> GetAsync(long id)
    {
        if (local.TryGet(id, out var user))
        {
            metrics.Served("local");
            return Task.FromResult(user);
        }

        return flights.RunAsync(id, _load);
    }

    private static async Task<User?> LoadAsync(long id, LocalUserCache local, RedisUserCache redis, BackfillQueue backfill, UserStore store, CacheMetrics metrics)
    {
        if (redis.Enabled)
        {
            var cached = await redis.TryGetAsync(id);
            if (cached is not null)
            {
                local.Set(cached);
                metrics.Served("redis");
                return cached;
            }
        }

        var user = await store.FindAsync(id);
        metrics.Served("database");
        if (user is not null)
        {
            local.Set(user);
            if (redis.Enabled)
            {
                backfill.Enqueue(user);
            }
        }

        return user;
    }
}
