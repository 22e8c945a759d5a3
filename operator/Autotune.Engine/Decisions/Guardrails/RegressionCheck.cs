using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Did a change make things worse at similar load (throughput within 15%)? A change made to relieve a bottleneck
/// regresses when P99 rose by more than 10% (and 5 ms), the share under the objective fell by more than half a
/// point, or throughput fell by more than 5% with latency or errors no better. Giving capacity back is expected to
/// cost some latency: it regresses only when it left the service over its objective.
/// </summary>
public static class RegressionCheck
{
    /// <summary>How the change regressed, with the numbers; null when it did not (or load moved too much to tell).</summary>
    public static string? Regressed(WindowSummary before, ObservedWindow after, Objectives objectives, bool gaveBackCapacity)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(objectives);
        if (!SimilarLoad(before.Rps, after.Rps) || TooFewToJudge(before, after))
        {
            return null;
        }

        var load = $"at similar load ({Num.F(after.Rps)} vs {Num.F(before.Rps)} rps)";
        if (gaveBackCapacity)
        {
            return Diagnosis.Diagnoser.OverObjective(after, objectives)
                ? $"p99 {Num.Ms(after.P99Ms)} went over the {Num.Ms(objectives.P99LatencyMs)} objective (was {Num.Ms(before.P99Ms)}) {load}"
                : null;
        }

        if (after.P99Ms > before.P99Ms * 1.10 && after.P99Ms - before.P99Ms > 5)
        {
            return $"p99 rose {Num.Ms(before.P99Ms)} -> {Num.Ms(after.P99Ms)} {load}";
        }

        if (before.ShareUnderObjective - after.ShareUnderObjective > 0.005)
        {
            return $"the share under the objective fell {Num.Pct(before.ShareUnderObjective)} -> {Num.Pct(after.ShareUnderObjective)} {load}";
        }

        if (after.Rps < before.Rps * 0.95 && (after.P99Ms >= before.P99Ms || after.ErrorRate > before.ErrorRate + 0.01))
        {
            return $"throughput fell {Num.F(before.Rps)} -> {Num.F(after.Rps)} rps with p99 {Num.Ms(before.P99Ms)} -> {Num.Ms(after.P99Ms)}";
        }

        return null;
    }

    /// <summary>
    /// True when either window completed fewer requests than a judgement needs: a P99 or a share over a handful of
    /// requests (an overloaded service completing almost nothing) is noise, and undoing a change on it bars the move
    /// that would have helped.
    /// </summary>
    public static bool TooFewToJudge(WindowSummary before, ObservedWindow after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return after.Requests < Thresholds.MinRequests || (before.Requests > 0 && before.Requests < Thresholds.MinRequests);
    }

    /// <summary>Two request rates within 15% of each other.</summary>
    public static bool SimilarLoad(double a, double b) =>
        a > 0 && b > 0 && Math.Abs(a - b) <= Thresholds.SimilarLoad * Math.Max(a, b);
}
