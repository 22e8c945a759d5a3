using System.Diagnostics;

namespace Autotune.Load;

/// <summary>Conversions between <see cref="Stopwatch"/> timestamps and time units.</summary>
internal static class Ticks
{
    public static readonly double PerSecond = Stopwatch.Frequency;

    public static long From(TimeSpan time) => (long)(time.TotalSeconds * PerSecond);

    public static long ToMicroseconds(long ticks) => (long)(ticks * 1_000_000.0 / PerSecond);

    public static TimeSpan ToTimeSpan(long ticks) => TimeSpan.FromSeconds(ticks / PerSecond);
}
