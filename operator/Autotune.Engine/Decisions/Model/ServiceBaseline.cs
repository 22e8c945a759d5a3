using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Model;

/// <summary>
/// The best this API has shown without contention: the median request time and the connection hold time of windows
/// where nothing queued (no work waited for a thread, none for a connection, CPU had room, P99 within the objective),
/// over enough requests, few of them failed or shed (a fast error pulls the median under any real request's time).
/// Work items queued for a thread count as waiting only when they wait a real share of the objective
/// (<see cref="Diagnosis.StarvationSignal.QueueWaits(ObservedWindow, double)"/>): a busy async pool always holds a
/// few for microseconds (measured in the proof's over-provisioned run: a queue of 0.8-1.3 on average at P99 under
/// 3 ms, and no baseline all run, so nothing could be sized from demand).
/// Sizing reads demand as arrivals x these times, not x latencies a queue inflated: in a collapse the median is the
/// time spent queued, and Little's law on it asks for thousands of threads.
/// </summary>
/// <param name="ServiceMs">Uncontended median request time, ms.</param>
/// <param name="HoldMs">Uncontended mean connection hold time, ms (NaN when no connection came back).</param>
public sealed record ServiceBaseline(double ServiceMs, double HoldMs)
{
    /// <summary>How far a baseline follows a slower uncontended window each time (the app may have changed).</summary>
    public const double Drift = 0.10;

    /// <summary>True when the window shows the service uncontended.</summary>
    public static bool Uncontended(ObservedWindow w, double objectiveMs)
    {
        ArgumentNullException.ThrowIfNull(w);
        return w.IsSufficient && double.IsFinite(w.P50Ms) && w.P50Ms > 0
            && w.Requests >= Policy.Thresholds.MinRequests && !(w.ErrorRate >= Policy.Thresholds.MedianSkewingErrors)
            && w.P99Ms <= objectiveMs
            && !(w.QueueDepthMax > 1 && Diagnosis.StarvationSignal.QueueWaits(w, objectiveMs))
            && !(w.PendingRequestsMean > 0.5) && w.PoolTimeouts == 0
            && !(w.CpuUtilization >= Policy.Thresholds.CpuIdle);
    }

    /// <summary>The baseline after <paramref name="w"/>: the lower of the two, following a slower one by <see cref="Drift"/>.</summary>
    public static ServiceBaseline? Next(ServiceBaseline? baseline, ObservedWindow? w, double objectiveMs)
    {
        if (w is null || !Uncontended(w, objectiveMs))
        {
            return baseline;
        }

        return baseline is null
            ? new ServiceBaseline(w.P50Ms, w.ConnectionHoldMeanMs)
            : new ServiceBaseline(Follow(baseline.ServiceMs, w.P50Ms), Follow(baseline.HoldMs, w.ConnectionHoldMeanMs));
    }

    private static double Follow(double baseline, double seen) =>
        !double.IsFinite(seen) ? baseline
        : !double.IsFinite(baseline) || seen <= baseline ? seen
        : baseline + ((seen - baseline) * Drift);
}
