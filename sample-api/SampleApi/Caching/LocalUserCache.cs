using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SampleApi.Data;
using SampleApi.Hosting;

namespace SampleApi.Caching;

/// <summary>
/// The in-process cache. Every entry carries the row's version, and an invalidation leaves a tombstone with the
/// new version, so a refill that read the row before a write can never put the older row back.
/// </summary>
internal sealed class LocalUserCache(IOptions<SampleApiOptions> options)
{
    private readonly ConcurrentDictionary<long, Entry> _entries = new();
    private readonly long _ttlMs = options.Value.Cache.LocalTtlSeconds * 1000L;
    private readonly int _capacity = options.Value.Cache.LocalCapacity;

    public bool Enabled { get; } = options.Value.Cache.LocalEnabled;

    public int Count => _entries.Count;

    public bool TryGet(long id, out User? user)
    {
        user = null;
        if (!Enabled || !_entries.TryGetValue(id, out var entry))
        {
            return false;
        }

        if (entry.ExpiresAt < Now)
        {
            _entries.TryRemove(new KeyValuePair<long, Entry>(id, entry));
            return false;
        }

        user = entry.User;
        return user is not null;
    }

    /// <summary>Stores a user unless a newer version (or a tombstone of a newer version) is already there.</summary>
    public void Set(User user)
    {
        if (!Enabled || (_entries.Count >= _capacity && !_entries.ContainsKey(user.Id)))
        {
            return;
        }

        var fresh = new Entry(user, user.Version, Now + _ttlMs);
        _entries.AddOrUpdate(user.Id, fresh, (_, old) => old.Version > user.Version ? old : fresh);
    }

    /// <summary>Forgets a user's versions older than <paramref name="version"/>.</summary>
    public void Invalidate(long id, long version)
    {
        if (!Enabled)
        {
            return;
        }

        var tombstone = new Entry(null, version, Now + _ttlMs);
        _entries.AddOrUpdate(id, tombstone, (_, old) => old.Version >= version ? old : tombstone);
    }

    /// <summary>Forgets everything (after missed invalidations, e.g. a Redis reconnect).</summary>
    public void Clear() => _entries.Clear();

    /// <summary>Removes expired entries.</summary>
    public int Sweep()
    {
        var now = Now;
        var removed = 0;
        foreach (var pair in _entries)
        {
            if (pair.Value.ExpiresAt < now && _entries.TryRemove(pair))
            {
                removed++;
            }
        }

        return removed;
    }

    private static long Now => Environment.TickCount64;

    private sealed record Entry(User? User, long Version, long ExpiresAt);
}
