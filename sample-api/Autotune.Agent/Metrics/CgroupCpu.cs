using System.Globalization;

namespace Autotune.Agent.Metrics;

/// <summary>What the cgroup's CPU files say at one moment.</summary>
/// <param name="UsageSeconds">CPU time used by every task of the cgroup.</param>
/// <param name="Periods">CFS periods with runnable tasks; null without the CPU controller (cgroup v2 without <c>+cpu</c>).</param>
/// <param name="ThrottledPeriods">Periods in which the quota ran out.</param>
/// <param name="ThrottledSeconds">Time the tasks were held back by the quota.</param>
/// <param name="LimitCores">Quota / period in cores; 0 without a limit.</param>
internal sealed record CgroupCpuSample(double UsageSeconds, long? Periods, long? ThrottledPeriods, double? ThrottledSeconds, double LimitCores);

/// <summary>
/// The CPU accounting of the cgroup this process runs in (a container's, in Kubernetes): cgroup v2 (<c>cpu.stat</c>,
/// <c>cpu.max</c>) or v1 (<c>cpuacct.usage</c>, <c>cpu.stat</c>, <c>cpu.cfs_quota_us</c> / <c>cpu.cfs_period_us</c>).
/// </summary>
internal sealed class CgroupCpu
{
    private CgroupCpu(int version, string cpuDirectory, string usageDirectory)
    {
        Version = version;
        CpuDirectory = cpuDirectory;
        UsageDirectory = usageDirectory;
    }

    /// <summary>2 or 1.</summary>
    public int Version { get; }

    /// <summary>The directory with <c>cpu.stat</c> (v2: every file).</summary>
    public string CpuDirectory { get; }

    /// <summary>The directory with the usage: v2 the same directory, v1 the cpuacct controller's.</summary>
    public string UsageDirectory { get; }

    /// <summary>Finds this process's cgroup CPU files, or null where there are none (not Linux, no cgroup CPU accounting).</summary>
    public static CgroupCpu? Locate(string root = "/sys/fs/cgroup", string selfCgroup = "/proc/self/cgroup")
    {
        try
        {
            return File.Exists(selfCgroup) ? Locate(File.ReadAllText(selfCgroup), root, File.Exists) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Finds the files from the text of <c>/proc/self/cgroup</c>. Under cgroup v2 (<c>cgroup.controllers</c> at the
    /// root) the <c>0::</c> line names the directory; under v1 (or the hybrid layout, whose v2 tree has no controllers)
    /// the <c>cpu</c> and <c>cpuacct</c> lines do. A path that does not exist under the mount (a container that sees
    /// the host's path but has its own cgroup mounted at the root) falls back to the mount's root.
    /// </summary>
    public static CgroupCpu? Locate(string selfCgroupText, string root, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(selfCgroupText);
        ArgumentNullException.ThrowIfNull(fileExists);
        var lines = selfCgroupText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fileExists(Path.Combine(root, "cgroup.controllers")))
        {
            var path = lines.Select(l => l.Split(':', 3)).FirstOrDefault(f => f.Length == 3 && f[0] == "0" && f[1].Length == 0)?[2];
            var dir = FirstWith(fileExists, "cpu.stat", Under(root, path), root);
            return dir is null ? null : new CgroupCpu(2, dir, dir);
        }

        string? Controller(string name) => lines
            .Select(l => l.Split(':', 3))
            .FirstOrDefault(f => f.Length == 3 && f[1].Split(',').Contains(name))?[2];

        var cpuPath = Controller("cpu");
        var acctPath = Controller("cpuacct");
        if (cpuPath is null || acctPath is null)
        {
            return null;
        }

        string[] cpuMounts = [Path.Combine(root, "cpu,cpuacct"), Path.Combine(root, "cpu")];
        string[] acctMounts = [Path.Combine(root, "cpu,cpuacct"), Path.Combine(root, "cpuacct")];
        var cpuDir = FirstWith(fileExists, "cpu.stat", [.. cpuMounts.Select(m => Under(m, cpuPath)), .. cpuMounts]);
        var acctDir = FirstWith(fileExists, "cpuacct.usage", [.. acctMounts.Select(m => Under(m, acctPath)), .. acctMounts]);
        return cpuDir is null || acctDir is null ? null : new CgroupCpu(1, cpuDir, acctDir);
    }

    /// <summary>Reads the files now; null when they went away or cannot be read.</summary>
    public CgroupCpuSample? Read()
    {
        try
        {
            return Version == 2
                ? ParseV2(File.ReadAllText(Path.Combine(CpuDirectory, "cpu.stat")), ReadOptional(Path.Combine(CpuDirectory, "cpu.max")))
                : ParseV1(
                    File.ReadAllText(Path.Combine(CpuDirectory, "cpu.stat")),
                    File.ReadAllText(Path.Combine(UsageDirectory, "cpuacct.usage")),
                    ReadOptional(Path.Combine(CpuDirectory, "cpu.cfs_quota_us")),
                    ReadOptional(Path.Combine(CpuDirectory, "cpu.cfs_period_us")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>cgroup v2: <c>cpu.stat</c> in microseconds and <c>cpu.max</c> (<c>$MAX $PERIOD</c>, <c>max</c> for none; absent at the root).</summary>
    public static CgroupCpuSample? ParseV2(string cpuStat, string? cpuMax)
    {
        var stat = KeyValues(cpuStat);
        if (!stat.TryGetValue("usage_usec", out var usage))
        {
            return null;
        }

        return new CgroupCpuSample(
            usage / 1e6,
            Optional(stat, "nr_periods"),
            Optional(stat, "nr_throttled"),
            Optional(stat, "throttled_usec") / 1e6,
            cpuMax is null ? 0 : LimitV2(cpuMax));
    }

    /// <summary>cgroup v1: <c>cpu.stat</c> (throttled time in nanoseconds), <c>cpuacct.usage</c> in nanoseconds, and the CFS quota (-1 for none) and period in microseconds.</summary>
    public static CgroupCpuSample? ParseV1(string cpuStat, string cpuacctUsage, string? quotaMicroseconds, string? periodMicroseconds)
    {
        ArgumentNullException.ThrowIfNull(cpuacctUsage);
        if (!long.TryParse(cpuacctUsage.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var usage))
        {
            return null;
        }

        var stat = KeyValues(cpuStat);
        return new CgroupCpuSample(
            usage / 1e9,
            Optional(stat, "nr_periods"),
            Optional(stat, "nr_throttled"),
            Optional(stat, "throttled_time") / 1e9,
            quotaMicroseconds is null || periodMicroseconds is null ? 0 : Limit(quotaMicroseconds.Trim(), periodMicroseconds.Trim()));
    }

    /// <summary>The limit in cores from <c>cpu.max</c>: <c>150000 100000</c> is 1.5, <c>max 100000</c> is none (0).</summary>
    public static double LimitV2(string cpuMax)
    {
        ArgumentNullException.ThrowIfNull(cpuMax);
        var fields = cpuMax.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return fields.Length == 2 ? Limit(fields[0], fields[1]) : 0;
    }

    private static double Limit(string quota, string period) =>
        long.TryParse(quota, NumberStyles.None, CultureInfo.InvariantCulture, out var q)
        && long.TryParse(period, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && q > 0 && p > 0
            ? (double)q / p
            : 0;

    private static Dictionary<string, long> KeyValues(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && long.TryParse(line.AsSpan(space + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }

        return values;
    }

    private static long? Optional(Dictionary<string, long> values, string key) => values.TryGetValue(key, out var value) ? value : null;

    private static string? ReadOptional(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private static string Under(string mount, string? path) =>
        string.IsNullOrEmpty(path) || path == "/" ? mount : Path.Join(mount, path);

    private static string? FirstWith(Func<string, bool> fileExists, string file, params string[] directories) =>
        directories.FirstOrDefault(d => fileExists(Path.Combine(d, file)));
}
