using System.Globalization;

namespace Autotune.OperatorBench;

/// <summary>Reads a process's resident memory from /proc/{pid}/status (Linux).</summary>
public static class ProcMemory
{
    /// <summary>VmRSS and VmHWM in bytes, or null when they cannot be read.</summary>
    public static (long Rss, long Peak)? Of(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return null;
        }

        long? rss = null, peak = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kb(line);
            }
        }

        return rss is { } r && peak is { } p ? (r, p) : null;
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
}
