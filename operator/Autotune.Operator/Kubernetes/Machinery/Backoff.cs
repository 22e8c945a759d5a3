namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// Capped exponential backoff with full jitter: the n-th delay is drawn from [base*2^n / 2, base*2^n], never above
/// the cap. Jitter keeps many watchers (or operator replicas) from reconnecting in lockstep after an API server
/// restart; <see cref="Reset"/> after a healthy period starts again from the base.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    /// <summary>How many delays were handed out since the last reset.</summary>
    public int Attempts { get; private set; }

    /// <summary>The next delay, growing with each call until the cap.</summary>
    public TimeSpan Next()
    {
        var ceiling = Ceiling(initial, max, Attempts);
        Attempts++;
        var half = ceiling.Ticks / 2;
        return TimeSpan.FromTicks(half + (long)(_random.NextDouble() * (ceiling.Ticks - half)));
    }

    /// <summary>Starts again from the base delay.</summary>
    public void Reset() => Attempts = 0;

    /// <summary>The un-jittered delay after <paramref name="attempts"/> failures: initial*2^attempts, at most max.</summary>
    public static TimeSpan Ceiling(TimeSpan initial, TimeSpan max, int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts, 62));
        var ticks = initial.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
