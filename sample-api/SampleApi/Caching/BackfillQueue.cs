using System.Threading.Channels;
using SampleApi.Data;

namespace SampleApi.Caching;

/// <summary>
/// Rows read from PostgreSQL wait here to be written to Redis off the response path. Bounded: when Redis cannot
/// keep up, a backfill is dropped and counted rather than holding memory or a request.
/// </summary>
internal sealed class BackfillQueue(CacheMetrics metrics)
{
    private readonly Channel<User> _channel = Channel.CreateBounded<User>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public void Enqueue(User user)
    {
        if (!_channel.Writer.TryWrite(user))
        {
            metrics.BackfillWasDropped();
        }
    }

    public ChannelReader<User> Reader => _channel.Reader;
}
