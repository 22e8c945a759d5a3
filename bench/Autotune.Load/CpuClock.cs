using System.Diagnostics;

namespace Autotune.Load;

/// <summary>Samples of this process's CPU time against the monotonic clock, to say how many cores the generator used.</summary>
internal readonly record struct CpuClock(long Timestamp, TimeSpan CpuTime)
{
    public static CpuClock Now() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    /// <summary>Cores used between <paramref name="earlier"/> and this sample.</summary>
    public double CoresSince(CpuClock earlier)
    {
        var wall = (Timestamp - earlier.Timestamp) / Ticks.PerSecond;
        return wall <= 0 ? double.NaN : (CpuTime - earlier.CpuTime).TotalSeconds / wall;
    }
}
