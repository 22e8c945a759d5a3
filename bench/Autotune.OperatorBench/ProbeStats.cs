namespace Autotune.OperatorBench;

/// <summary>The controller's numbers at one moment, as the operator side reports them.</summary>
/// <param name="Keys">ApiTunings that have had at least one pass after their first window.</param>
/// <param name="MinPasses">The fewest such passes any of the expected ApiTunings has had (0 until all have had one).</param>
/// <param name="Passes">Passes after the first window, in all.</param>
/// <param name="Results">Passes by result (started, held, acted, error...).</param>
/// <param name="Timed">Passes whose duration is in the percentiles (all but started and deleted).</param>
/// <param name="P50Ms">Median reconcile duration, ms.</param>
/// <param name="P99Ms">99th percentile reconcile duration, ms.</param>
/// <param name="MaxMs">Longest reconcile, ms.</param>
/// <param name="ManagedBytes">GC heap in use (GC.GetTotalMemory).</param>
/// <param name="WorkingSetBytes">The process's working set (Environment.WorkingSet).</param>
/// <param name="StatusWrites">Status writes that reached the API server.</param>
/// <param name="PodLists">LISTs of pods by the controller's cache.</param>
/// <param name="LiveBytes">Managed heap still reachable after a full collection, taken while the controller still ran (0 until then).</param>
public sealed record ProbeStats(
    int Keys,
    int MinPasses,
    long Passes,
    IReadOnlyDictionary<string, long> Results,
    int Timed,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long ManagedBytes,
    long WorkingSetBytes,
    int StatusWrites,
    int PodLists,
    long LiveBytes = 0)
{
    /// <summary>The runtime's settings, collections and pauses, and how the slowest passes overlapped the pauses.</summary>
    public RuntimeStats? Runtime { get; init; }
}
