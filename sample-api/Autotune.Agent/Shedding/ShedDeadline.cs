namespace Autotune.Agent.Shedding;

/// <summary>
/// The shedding deadline in force: the tuning file's when it sets one, else the process's own
/// (<see cref="AutotuneAgentOptions.ShedAfter"/>); zero means no shedding. Read on every request, written by the
/// tuning thread.
/// </summary>
internal sealed class ShedDeadline(AutotuneAgentOptions options)
{
    private readonly TimeSpan _default = options.ShedAfter is { } after && after > TimeSpan.Zero ? after : TimeSpan.Zero;
    private long _ticks = options.ShedAfter is { } after && after > TimeSpan.Zero ? after.Ticks : 0;

    /// <summary>The deadline now; zero when shedding is off.</summary>
    public TimeSpan Current => TimeSpan.FromTicks(Volatile.Read(ref _ticks));

    /// <summary>Takes the tuning file's deadline (null: back to the process's own); returns the deadline now in force.</summary>
    public TimeSpan Apply(int? milliseconds)
    {
        var deadline = milliseconds is { } ms ? TimeSpan.FromMilliseconds(ms) : _default;
        Volatile.Write(ref _ticks, deadline.Ticks);
        return deadline;
    }
}
