using System.Threading.Channels;

namespace Autotune.KubeApi.Store;

/// <summary>A live feed of the changes to one resource type (optionally one namespace), starting after a resourceVersion.</summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly Channel<StoreChange> _channel = Channel.CreateUnbounded<StoreChange>();

    internal WatchSubscription(string storageKey, string? ns, Action<WatchSubscription> unsubscribe)
    {
        StorageKey = storageKey;
        Namespace = ns;
        _unsubscribe = unsubscribe;
    }

    internal string StorageKey { get; }

    internal string? Namespace { get; }

    /// <summary>The changes, in resourceVersion order.</summary>
    public ChannelReader<StoreChange> Changes => _channel.Reader;

    internal bool Matches(StoreChange change) =>
        change.Resource.StorageKey == StorageKey && (Namespace is null || change.Namespace == Namespace);

    internal void Offer(StoreChange change) => _channel.Writer.TryWrite(change);

    /// <summary>Stops the feed.</summary>
    public void Dispose()
    {
        _unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
