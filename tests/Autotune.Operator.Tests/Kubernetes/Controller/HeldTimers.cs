namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// A clock whose timers fire only when the test says so (<see cref="FireAll"/>), so a test can look at what holds
/// during a backoff without racing it. The time itself is the system's.
/// </summary>
internal sealed class HeldTimers : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<HeldTimer> _timers = [];

    /// <summary>Timers created and not yet fired or disposed.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.IsPending);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new HeldTimer(callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        return timer;
    }

    /// <summary>Fires every pending timer once.</summary>
    public void FireAll()
    {
        List<HeldTimer> pending;
        lock (_gate)
        {
            pending = _timers.Where(t => t.IsPending).ToList();
        }

        foreach (var timer in pending)
        {
            timer.Fire();
        }
    }

    private sealed class HeldTimer(TimerCallback callback, object? state) : ITimer
    {
        private int _done;

        public bool IsPending => Volatile.Read(ref _done) == 0;

        public void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                callback(state);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => IsPending;

        public void Dispose() => Interlocked.Exchange(ref _done, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
