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

    public int Resets { get; set; }

    public static void AddTo(Dictionary<double, double> target, Dictionary<double, double> source)
    {
        foreach (var (bound, count) in source)
        {
            target[bound] = target.GetValueOrDefault(bound) + count;
        }
    }
}
