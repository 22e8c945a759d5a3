using System.Diagnostics;

namespace Autotune.Agent.Shedding;

/// <summary>
/// How long work queued to the thread pool waits before a thread takes it, measured by a probe: a dedicated thread
/// queues a timestamped work item to the pool's global queue (where Kestrel's socket events, transport queues and
/// request continuations wait too), waits until a pool thread has run it, pauses for the interval, and queues the next.
/// <see cref="Current"/> is the longer of the last probe's wait and the age of the probe still queued, so it rises
/// while the pool is starved (before the probe comes back) and falls as soon as a probe runs promptly again.
/// </summary>
/// <remarks>
/// Kestrel exposes no time at which a request arrived: on Linux the socket's readiness, Kestrel's transport queue and
/// the request's parse each run as a thread-pool work item, so the earliest middleware, a connection middleware and
/// ASP.NET Core's own request-start timestamp all run after the wait. A request crosses the global queue up to three
/// times before the app sees it; the probe measures one crossing, so the estimate is a lower bound of a request's wait.
/// </remarks>
internal sealed class ThreadPoolQueueDelay : IDisposable, IThreadPoolWorkItem
{
    private readonly TimeSpan _interval;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new();
    private readonly ManualResetEventSlim _ran = new();
    private long _queuedAt;
    private long _lastWait;
    private int _started;
    private int _disposed;

    public ThreadPoolQueueDelay(TimeSpan interval)
    {
        _interval = interval > TimeSpan.Zero ? interval : TimeSpan.FromMilliseconds(10);
        _thread = new Thread(Run) { IsBackground = true, Name = "autotune-queue-probe" };
    }

    /// <summary>The wait a work item dequeued now has had, as well as the probe can tell (zero before the first probe).</summary>
    public TimeSpan Current
    {
        get
        {
            var queuedAt = Volatile.Read(ref _queuedAt);
            var pending = queuedAt == 0 ? 0 : Stopwatch.GetTimestamp() - queuedAt;
            return Stopwatch.GetElapsedTime(0, Math.Max(pending, Volatile.Read(ref _lastWait)));
        }
    }

    /// <summary>Starts the probe thread (once).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _thread.Start();
        }
    }

    /// <summary>Runs on a pool thread: records how long the probe waited.</summary>
    void IThreadPoolWorkItem.Execute()
    {
        var queuedAt = Volatile.Read(ref _queuedAt);
        Volatile.Write(ref _lastWait, Stopwatch.GetTimestamp() - queuedAt);
        Volatile.Write(ref _queuedAt, 0);
        try
        {
            _ran.Set();
        }
        catch (ObjectDisposedException)
        {
            // The agent stopped between the probe's record and its signal; nobody waits any more.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Set();
        _ran.Set();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        if (_thread.IsAlive)
        {
            return;
        }

        _stop.Dispose();

        // A probe still queued sets the event when it runs; only a probe-free event can go.
        if (Volatile.Read(ref _queuedAt) == 0)
        {
            _ran.Dispose();
        }
    }

    private void Run()
    {
        var handles = new[] { _ran.WaitHandle, _stop.WaitHandle };
        while (!_stop.IsSet)
        {
            _ran.Reset();
            Volatile.Write(ref _queuedAt, Stopwatch.GetTimestamp());

            // The global queue, as Kestrel queues its work (never a thread's local queue: this thread is not a pool thread).
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            WaitHandle.WaitAny(handles);
            _stop.Wait(_interval);
        }
    }
}
