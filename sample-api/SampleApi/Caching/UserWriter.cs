using SampleApi.Data;

namespace SampleApi.Caching;

/// <summary>
/// Writes, then invalidates: this process keeps the new row (it never serves the old one after answering),
/// Redis gets a tombstone of the new version, and every other process is told over pub/sub.
/// </summary>
internal sealed class UserWriter(UserStore store, LocalUserCache local, RedisUserCache redis, UserFlights flights)
{
    public async Task<User?> UpdateAsync(long id, string name, string email, CancellationToken cancellationToken)
    {
        var user = await store.UpdateAsync(id, name, email, cancellationToken);
        if (user is null)
        {
            return null;
        }

        local.Set(user);
        flights.Forget(id);
        await redis.InvalidateAsync(id, user.Version);
        return user;
    }
}
