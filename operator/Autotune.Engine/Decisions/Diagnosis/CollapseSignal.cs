using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Diagnosis;

/// <summary>
/// A collapse: requests keep arriving while the service answers few of them well. Goodput (requests answered without
/// an error) is under <see cref="Thresholds.CollapseGoodputShare"/> of the arrivals (completions plus the growth of
/// requests in flight), and the arrivals alone are enough traffic to judge. Few completions then are the failure, not
/// a lack of traffic (measured in the simulator's demo: 5 and 3 requests completed in the first two windows while
/// 200 req/s arrived and the requests in flight grew about 200 a second). A collapse on saturated CPU is not one:
/// there the cores (the process's or its cgroup's), not the settings, are short.
/// </summary>
internal static class CollapseSignal
{
    /// <summary>Requests arriving per second across the pods: completions plus the net growth of requests in flight.</summary>
    public static double Arrivals(ObservedWindow w) => w.ArrivalRps;

    /// <summary>Requests per second answered without an error.</summary>
    public static double Goodput(ObservedWindow w) => Guardrails.RegressionCheck.Goodput(w.Rps, w.ErrorRate);

    /// <summary>True when the window shows a collapse (see the type).</summary>
    public static bool Collapsed(ObservedWindow w)
    {
        ArgumentNullException.ThrowIfNull(w);
        return w.IsSufficient && w.Scrapes >= Thresholds.MinScrapes && w.MissingPods == 0
            && Arrivals(w) * w.Duration.TotalSeconds >= Thresholds.MinRequests
            && Goodput(w) < Arrivals(w) * Thresholds.CollapseGoodputShare
            && !(w.CpuUtilization >= Thresholds.CpuSaturated) && !StarvationSignal.CgroupSaturated(w);
    }

    /// <summary>How the window collapsed, in words with the numbers.</summary>
    public static string Describe(ObservedWindow w) =>
        $"collapsed: {Num.F(Arrivals(w))} rps arriving, {Num.F(Goodput(w))} rps answered without error ({Num.F(w.Requests)} requests completed in the window"
        + (w.ErrorRate > 0 ? $", {Num.Pct(w.ErrorRate)} failed or shed" : string.Empty) + ")"
        + (double.IsFinite(w.ActiveRequestsMean) ? $", {Num.F(w.ActiveRequestsMean)} requests in flight per pod" : string.Empty)
        + (double.IsFinite(w.ActiveRequestsSlopePerSecond) && w.ActiveRequestsSlopePerSecond > 0 ? $" growing {Num.F(w.ActiveRequestsSlopePerSecond)}/s" : string.Empty);
}
