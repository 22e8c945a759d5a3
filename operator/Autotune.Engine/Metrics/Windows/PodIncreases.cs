namespace Autotune.Engine.Metrics.Windows;

/// <summary>One pod's counter and histogram increases over the window, to be summed across pods.</summary>
internal sealed class PodIncreases
{
    /// <summary>Request-duration bucket increases by upper bound (seconds).</summary>
    public Dictionary<double, double> RequestBuckets { get; } = [];

    /// <summary>Pool-wait bucket increases by upper bound (seconds).</summary>
    public Dictionary<double, double> WaitBuckets { get; } = [];

    /// <summary>Connection-open failures by SQLSTATE.</summary>
    public Dictionary<string, double> OpenFailures { get; } = new(StringComparer.Ordinal);

    public double Requests { get; set; }

    public double ServerErrors { get; set; }

    public double UseSeconds { get; set; }

    public double Uses { get; set; }

    public double PoolTimeouts { get; set; }

    public double CpuSeconds { get; set; }

    /// <summary>Thread-pool work items completed; NaN when the pod does not export the counter.</summary>
    public double WorkItems { get; set; } = double.NaN;

    /// <summary>The machine's CPU seconds by <c>cpu_mode</c>; empty when the pod does not export them.</summary>
    public Dictionary<string, double> SystemCpu { get; } = new(StringComparer.Ordinal);

    /// <summary>CPU seconds of the pod's cgroup; NaN when not exported (as for every cgroup figure below).</summary>
    public double CgroupCpuSeconds { get; set; } = double.NaN;

    /// <summary>CFS periods of the cgroup with runnable tasks.</summary>
    public double CgroupPeriods { get; set; } = double.NaN;

    /// <summary>Of those, periods in which the cgroup ran out of quota.</summary>
    public double CgroupThrottledPeriods { get; set; } = double.NaN;

    /// <summary>Seconds the cgroup's tasks were held back by the quota.</summary>
    public double CgroupThrottledSeconds { get; set; } = double.NaN;

    public int Resets { get; set; }

    /// <summary><paramref name="sum"/> plus <paramref name="increase"/>, where a NaN sum (nothing exported yet) counts as 0.</summary>
    public static double Plus(double sum, double increase) => (double.IsNaN(sum) ? 0 : sum) + increase;

    public static void AddTo(Dictionary<double, double> target, Dictionary<double, double> source)
    {
        foreach (var (bound, count) in source)
        {
            target[bound] = target.GetValueOrDefault(bound) + count;
        }
    }
}
