namespace Autotune.Agent.Tests;

/// <summary>
/// The thread pool starved on purpose: minimum worker threads at the processor count and <c>blockedWorkItems</c> work
/// items blocked on one event, far more than the pool has threads, so everything queued behind them waits for
/// injection (a thread or two a second). <see cref="Dispose"/> releases them and restores the minimum.
/// </summary>
internal sealed class StarvedPool : IDisposable
{
    // Never disposed: blocked items still queued when the starvation ends start only after Set, and must find the event
    // alive then (a disposed event throws on Wait, on a pool thread, and ends the test process). Set before a wait
    // starts, a ManualResetEventSlim never allocates a kernel handle.
    private readonly ManualResetEventSlim _release = new();
    private readonly int _minWorkers;
    private readonly int _minIo;

    private StarvedPool(int blockedWorkItems)
    {
        ThreadPool.GetMinThreads(out _minWorkers, out _minIo);
        ThreadPool.SetMinThreads(Environment.ProcessorCount, _minIo);
        for (var i = 0; i < blockedWorkItems; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => ((ManualResetEventSlim)state!).Wait(), _release);
        }
    }

    /// <summary>Starves the pool with <paramref name="blockedWorkItems"/> blocked work items until disposed.</summary>
    public static StarvedPool Block(int blockedWorkItems) => new(blockedWorkItems);

    /// <summary>Releases the blocked items and restores the minimum threads.</summary>
    public void Dispose()
    {
        _release.Set();
        ThreadPool.SetMinThreads(_minWorkers, _minIo);
    }
}
