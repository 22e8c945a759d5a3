using Autotune.Engine.Decisions;
using Autotune.Engine.Model;
using Autotune.Engine.Policy;

namespace Autotune.Engine.Diagnosis;

/// <summary>
/// The sign that the database, not the pool, is the limit: connections are busy but each one is held longer while
/// no more work gets done. Read two ways from the history: a pool raise that inflated the hold time without adding
/// throughput, or a hold time far above the best this API has shown at no less throughput.
/// </summary>
internal static class DatabaseSaturationSignal
{
    /// <summary>Why the database is saturated, in words; null when it does not look saturated.</summary>
    public static string? Detect(ObservedWindow w, IReadOnlyList<HistoryEntry> history, int? pool)
    {
        if (double.IsNaN(w.ConnectionHoldMeanMs) || double.IsNaN(w.PoolUsage) || w.PoolUsage < 0.8 || w.ConnectionUsesPerSecond <= 0)
        {
            return null;
        }

        var raise = history.FirstOrDefault(r => r.Decision is { Kind: DecisionKind.Change, Knob: Knob.DbMaxPoolSize } d
            && d.To > d.From && r.Before is { } b && !double.IsNaN(b.ConnectionHoldMeanMs) && b.ConnectionUsesPerSecond > 0);
        if (raise?.Before is { } before && (pool is null || pool >= raise.Decision.To))
        {
            var hold = w.ConnectionHoldMeanMs / before.ConnectionHoldMeanMs;
            var uses = w.ConnectionUsesPerSecond / before.ConnectionUsesPerSecond;
            if (hold >= Thresholds.HoldInflation && uses < Thresholds.FlatThroughput)
            {
                return $"raising the pool {raise.Decision.From} -> {raise.Decision.To} made connections held {Num.Ms(before.ConnectionHoldMeanMs)} -> {Num.Ms(w.ConnectionHoldMeanMs)} "
                    + $"while connection uses changed {Num.F(before.ConnectionUsesPerSecond)} -> {Num.F(w.ConnectionUsesPerSecond)}/s";
            }
        }

        var best = history.Select(r => r.Before)
            .Where(b => b is not null && !double.IsNaN(b.ConnectionHoldMeanMs) && b.ConnectionHoldMeanMs > 0
                && b.ConnectionUsesPerSecond >= w.ConnectionUsesPerSecond / Thresholds.FlatThroughput)
            .MinBy(b => b!.ConnectionHoldMeanMs);
        if (best is not null && w.ConnectionHoldMeanMs >= best.ConnectionHoldMeanMs * Thresholds.HoldVersusBaseline)
        {
            return $"connections are held {Num.Ms(w.ConnectionHoldMeanMs)}, {Num.F(w.ConnectionHoldMeanMs / best.ConnectionHoldMeanMs)}x the {Num.Ms(best.ConnectionHoldMeanMs)} "
                + $"seen at {Num.F(best.ConnectionUsesPerSecond)} uses/s, with no more throughput ({Num.F(w.ConnectionUsesPerSecond)} uses/s)";
        }

        return null;
    }
}
