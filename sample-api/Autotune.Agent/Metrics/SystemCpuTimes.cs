using System.Globalization;

namespace Autotune.Agent.Metrics;

/// <summary>CPU seconds of the whole machine by mode (summed over its CPUs), from the first line of <c>/proc/stat</c>; <c>Interrupt</c> is hard and soft interrupts together.</summary>
internal readonly record struct SystemCpuTimes(
    double User, double Nice, double System, double Idle, double IoWait, double Interrupt, double Steal)
{
    /// <summary>Where the machine's CPU times are.</summary>
    public const string ProcStat = "/proc/stat";

    // USER_HZ: the unit of /proc/stat, 100 on every Linux architecture .NET runs on (fixed by the kernel's ABI).
    private const double TicksPerSecond = 100;

    /// <summary>Reads the machine's CPU times, or null where there is no <c>/proc/stat</c> (not Linux).</summary>
    public static SystemCpuTimes? Read()
    {
        try
        {
            using var reader = new StreamReader(ProcStat);
            return reader.ReadLine() is { } line ? Parse(line) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses the aggregate line, <c>cpu  user nice system idle iowait irq softirq steal guest guest_nice</c> (in
    /// USER_HZ ticks; guest time is already inside user and nice). Older kernels stop after fewer columns; the rest count 0.
    /// </summary>
    public static SystemCpuTimes? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu")
        {
            return null;
        }

        var ticks = new ulong[8];
        for (var i = 0; i < ticks.Length && i + 1 < fields.Length; i++)
        {
            if (!ulong.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }

        return new SystemCpuTimes(
            Seconds(ticks[0]), Seconds(ticks[1]), Seconds(ticks[2]), Seconds(ticks[3]), Seconds(ticks[4]), Seconds(ticks[5] + ticks[6]), Seconds(ticks[7]));

        static double Seconds(ulong ticks) => ticks / TicksPerSecond;
    }
}
