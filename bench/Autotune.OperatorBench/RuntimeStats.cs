using System.Runtime;

namespace Autotune.OperatorBench;

/// <summary>
/// The operator process's GC configuration and its pauses over the run, and what the pauses did to the reconcile
/// tail: of the passes at or above the P99, how many a pause overlapped and for how long, and the P99 the passes
/// would have had without the time they spent paused.
/// </summary>
/// <param name="Gc">The GC's mode (workstation or server, concurrent, conserve-memory level, gen0 size).</param>
/// <param name="Collections">Collections of generations 0, 1 and 2.</param>
/// <param name="Pauses">Suspensions of the process's threads seen (GC or other).</param>
/// <param name="PauseTotalMs">Their summed length, ms.</param>
/// <param name="PauseP99Ms">The 99th percentile pause, ms.</param>
/// <param name="PauseMaxMs">The longest pause, ms.</param>
/// <param name="NonGcPauses">Suspensions that were not for a GC (tiered compilation, ...).</param>
/// <param name="TailPasses">Passes at or above the P99.</param>
/// <param name="TailPassesPaused">Of those, how many a pause overlapped.</param>
/// <param name="TailPausedMs">Mean time those passes spent paused, ms.</param>
/// <param name="TailMeanMs">Mean duration of those passes, ms.</param>
/// <param name="PassesPausedShare">Share of all passes a pause overlapped.</param>
/// <param name="P99WithoutPausesMs">The P99 of the passes' durations minus their time paused, ms.</param>
/// <param name="ApiRequests">Requests to the API server timed (watches aside).</param>
/// <param name="ApiP50Ms">Their median duration, ms.</param>
/// <param name="ApiP99Ms">Their 99th percentile, ms.</param>
/// <param name="Tail">The passes at or above the P99: when each ended (UTC) and how long it took, ms.</param>
public sealed record RuntimeStats(
    string Gc,
    int[] Collections,
    int Pauses,
    double PauseTotalMs,
    double PauseP99Ms,
    double PauseMaxMs,
    int NonGcPauses,
    int TailPasses,
    int TailPassesPaused,
    double TailPausedMs,
    double TailMeanMs,
    double PassesPausedShare,
    double P99WithoutPausesMs,
    int ApiRequests,
    double ApiP50Ms,
    double ApiP99Ms,
    TailPass[] Tail)
{
    /// <summary>Works out the stats of this process from its passes (end, duration) and its pauses.</summary>
    public static RuntimeStats Of(IReadOnlyList<(DateTime End, double Ms)> passes, double p99Ms, RuntimePauses.Pause[] pauses, double[] apiSorted)
    {
        ArgumentNullException.ThrowIfNull(apiSorted);
        ArgumentNullException.ThrowIfNull(passes);
        ArgumentNullException.ThrowIfNull(pauses);
        double Paused((DateTime End, double Ms) pass)
        {
            var start = pass.End.AddMilliseconds(-pass.Ms);
            var ms = 0.0;
            foreach (var pause in pauses)
            {
                if (pause.End > start && pause.Start < pass.End)
                {
                    ms += pause.OverlapMs(start, pass.End);
                }
            }

            return ms;
        }

        var paused = passes.Select(p => (p.Ms, Paused: Paused(p))).ToList();
        var tail = paused.Where(p => p.Ms >= p99Ms && passes.Count > 0).ToList();
        double[] without = [.. paused.Select(p => p.Ms - p.Paused)];
        Array.Sort(without);
        double[] lengths = [.. pauses.Select(p => p.Ms)];
        Array.Sort(lengths);
        return new RuntimeStats(
            Describe(),
            [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)],
            pauses.Length,
            lengths.Sum(),
            ControllerProbe.Percentile(lengths, 0.99),
            lengths.Length == 0 ? 0 : lengths[^1],
            pauses.Count(p => p.Generation < 0),
            tail.Count,
            tail.Count(p => p.Paused > 0),
            tail.Count == 0 ? 0 : tail.Average(p => p.Paused),
            tail.Count == 0 ? 0 : tail.Average(p => p.Ms),
            paused.Count == 0 ? 0 : paused.Count(p => p.Paused > 0) / (double)paused.Count,
            ControllerProbe.Percentile(without, 0.99),
            apiSorted.Length,
            ControllerProbe.Percentile(apiSorted, 0.5),
            ControllerProbe.Percentile(apiSorted, 0.99),
            [.. passes.Where(p => p.Ms >= p99Ms).Select(p => new TailPass(p.End, p.Ms))]);
    }

    private static string Describe()
    {
        var info = GC.GetGCMemoryInfo();
        var gc = GC.GetConfigurationVariables();
        string Setting(string name) => AppContext.GetData(name)?.ToString() ?? "default";
        var set = string.Join(" ", gc.Where(v => v.Value is not (0L or 0UL or false or "")).OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
        return $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, {GCSettings.LatencyMode}, GC settings [{set}], " +
            $"tiered {Setting("System.Runtime.TieredCompilation")}, " +
            $"TieredPGO {Setting("System.Runtime.TieredPGO")}, committed {info.TotalCommittedBytes / 1048576.0:F0} MB, " +
            $"heap {info.HeapSizeBytes / 1048576.0:F0} MB, fragmented {info.FragmentedBytes / 1048576.0:F0} MB";
    }
}

/// <summary>One pass of the reconcile tail.</summary>
/// <param name="End">When it ended (UTC).</param>
/// <param name="Ms">How long it took.</param>
public sealed record TailPass(DateTime End, double Ms)
{
    /// <summary>How long <paramref name="pauses"/> overlapped it, ms.</summary>
    public double PausedMs(IEnumerable<RuntimePauses.Pause> pauses)
    {
        ArgumentNullException.ThrowIfNull(pauses);
        var start = End.AddMilliseconds(-Ms);
        return pauses.Sum(p => p.OverlapMs(start, End));
    }
}
