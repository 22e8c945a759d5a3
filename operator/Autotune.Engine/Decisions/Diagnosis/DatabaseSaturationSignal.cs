using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Diagnosis;

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

    /// <summary>
    /// Why more sessions are known to slow this API's database, in words; null when no such evidence is remembered. The
    /// evidence is a pool raise after which (on the window the next decision was made on, or on
    /// <paramref name="w"/> when none followed it) connections were held at least <see cref="Thresholds.HoldInflation"/>
    /// times longer at flat throughput: each session made the others slower. Unlike <see cref="Detect"/> this does not
    /// ask that the pool be busy now: it is what the database showed, kept in the history while the pool is
    /// no smaller than the raise made it.
    /// </summary>
    public static string? ContentionShown(ObservedWindow? w, IReadOnlyList<HistoryEntry> history, int? pool)
    {
        ArgumentNullException.ThrowIfNull(history);
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i] is not { Decision: { Kind: DecisionKind.Change, Knob: Knob.DbMaxPoolSize, From: { } from, To: { } to }, Before: { } before }
                || to <= from || double.IsNaN(before.ConnectionHoldMeanMs) || before.ConnectionHoldMeanMs <= 0 || before.ConnectionUsesPerSecond <= 0)
            {
                continue;
            }

            if (pool is { } p && p < to)
            {
                return null;
            }

            var (hold, uses) = i > 0
                ? (history[i - 1].Before?.ConnectionHoldMeanMs ?? double.NaN, history[i - 1].Before?.ConnectionUsesPerSecond ?? 0)
                : (w?.ConnectionHoldMeanMs ?? double.NaN, w?.ConnectionUsesPerSecond ?? 0);
            return hold >= before.ConnectionHoldMeanMs * Thresholds.HoldInflation && uses > 0 && uses < before.ConnectionUsesPerSecond * Thresholds.FlatThroughput
                ? $"raising the pool {from} -> {to} made connections held {Num.Ms(before.ConnectionHoldMeanMs)} -> {Num.Ms(hold)} "
                    + $"while connection uses changed {Num.F(before.ConnectionUsesPerSecond)} -> {Num.F(uses)}/s"
                : null;
        }

        return null;
    }
}
