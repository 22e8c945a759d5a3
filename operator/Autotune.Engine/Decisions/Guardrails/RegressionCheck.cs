using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Did a change make things worse at similar load: the same offered load (requests arriving, within 15%) under an
/// open-loop load, or the same concurrency (requests in flight, within 15%) under a closed-loop one, where throughput
/// is the load's answer and a harmful move shows as less of it? A change made to relieve a bottleneck
/// regresses when P99 rose by more than 10% (and 5 ms), the share under the objective fell by more than half a
/// point, or throughput fell by more than 5% with latency or errors no better; after a window that answered without an
/// error well under what arrived (a backlog filling, or a collapse failing and shedding), only by serving fewer
/// requests without an error. A raise after which requests back up (<see cref="BackedUp"/>) is judged on goodput too.
/// Giving capacity back is expected to cost some latency: it regresses only when it left the service over its objective.
/// </summary>
public static class RegressionCheck
{
    /// <summary>How the reason for undoing a raise that did not help begins.</summary>
    public const string DidNotHelp = "it did not help: ";

    /// <summary>How the change regressed, with the numbers; null when it did not (or load moved too much to tell).</summary>
    /// <remarks>
    /// A raise (<paramref name="raised"/>) made on a window over the objective is also undone when it did not help: the
    /// window after it is still over the objective at similar load, with P99 not 10% lower, the share under the
    /// objective not half a point higher and goodput not 5% higher. Capacity that buys nothing costs connections or
    /// threads, and the rollback bars the same raise for an hour, so the engine remembers the knob's knee instead of
    /// keeping the raise until it is given back.
    /// </remarks>
    public static string? Regressed(WindowSummary before, ObservedWindow after, Objectives objectives, bool gaveBackCapacity, Knob? raised = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(objectives);
        if (LoadAlike(before, after) is not { } load || TooFewToJudge(before, after))
        {
            return null;
        }

        var (was, now) = (Goodput(before.Rps, before.ErrorRate), Goodput(after.Rps, after.ErrorRate));
        if (gaveBackCapacity)
        {
            return Diagnosis.Diagnoser.OverObjective(after, objectives)
                ? $"p99 {Num.Ms(after.P99Ms)} went over the {Num.Ms(objectives.P99LatencyMs)} objective (was {Num.Ms(before.P99Ms)}) {load}"
                : null;
        }

        if (Filling(before))
        {
            // The window before answered well under what arrived: its queue was still filling, so its P99 and share
            // under the objective describe how far the backlog had grown when it ended, not what the settings hold
            // (measured in busy-async-over-provisioned: minute 0 at 144 threads kept 9.3% under the objective only
            // because the queue started empty; the next minute at the same settings kept none). Requests answered
            // without an error are what the settings serve: the move regressed when it served fewer. Completions would
            // count the errors and 503s of a collapse as served (measured in the demo: a thread raise during a collapse
            // took goodput 46.8 -> 104 rps while the backlog drained, and was rolled back on the share under the
            // objective, 90.1% -> 52.1%, because 91.9 completions against 104 arriving did not read as filling).
            if (now >= was * 0.95 || (raised == Knob.DbMaxPoolSize && !HeldLonger(before, after)))
            {
                // A pool raise whose connections are held no longer than before cannot have slowed the database: the
                // requests it serves fewer are the backlog's, which times out and is shed at its own pace. Undone, it
                // would restore the pool the backlog built up on and bar the raise the demand asks for (measured in the
                // demo at 18:56 UTC, 2026-12-07: a raise 6 -> 7, all max_connections 20 then allowed, took goodput
                // 117 -> 86.4 rps with 52.6 -> 125 requests waiting, was rolled back and barred for an hour, and the
                // collapse's own plan, max_connections 20 -> 36 and the pool to 15, was held by the bar to the end).
                return null;
            }

            return $"goodput (requests answered without an error) fell {Num.F(was)} -> {Num.F(now)} rps while requests queued {load}";
        }

        if (ServedMoreOfABacklog(before, after))
        {
            // Requests were already waiting and the move served 5% more of them at similar load: the P99 and the share
            // under the objective follow the backlog, which grows while arrivals exceed what is served, not the move
            // (measured in the proof's remote-pool run: a pool raise 36 -> 40 with load still climbing to 765 req/s
            // took 699 -> 789 req/s served, was rolled back on P99 479 -> 1,495 ms, and the pool stayed at 36 where
            // the grid's best is 40).
            return null;
        }

        if (!SimilarLoad(Arrivals(before), after.ArrivalRps) && now > was * 1.05 && !Diagnosis.Diagnoser.OverObjective(after, objectives))
        {
            // Alike only by the requests in flight, and 5% more served: as many requests in flight each took less time on
            // average (Little's law), whether the callers are the same (closed loop) or more arrived (an open-loop ramp),
            // and the service stayed within its objective. A P99 that rose inside the objective is not a reason to undo
            // it (measured in the proof's over-provisioned run: minimum threads 256 -> 128 under a ramp served 4,313 ->
            // 5,351 req/s with 5 and 4.4 requests in flight, and was rolled back and barred for an hour on P99 4.24 ->
            // 12.4 ms against a 200 ms objective).
            return null;
        }

        if (raised is not null && BackedUp(after, objectives) && now >= was * 0.95)
        {
            // Requests back up after a raise that serves at least as many as before: a raise adds capacity, so the backlog
            // is load beyond what either setting serves (or the transition's own pause), and its P99 and share under the
            // objective say how long the queue is, not what the raise does. Judged on goodput, it stays unless it was made
            // over the objective and still served no more (measured in the proof's fast-async run: a pool raise 2 -> 10
            // at 5,352 req/s, P99 49 ms, met a step of the load to 6,153 req/s; the window after served 5,604 with 9,115
            // requests waiting and P99 2,771 ms, was rolled back and barred for an hour, and pool 2 then collapsed to
            // 1,454 req/s answered without an error).
            return HelpedNothing(before, after, objectives, load);
        }

        if (after.P99Ms > before.P99Ms * 1.10 && after.P99Ms - before.P99Ms > 5)
        {
            return $"p99 rose {Num.Ms(before.P99Ms)} -> {Num.Ms(after.P99Ms)} {load}";
        }

        if (before.ShareUnderObjective - after.ShareUnderObjective > 0.005)
        {
            return $"the share under the objective fell {Num.Pct(before.ShareUnderObjective)} -> {Num.Pct(after.ShareUnderObjective)} {load}";
        }

        if (Fell(before, after) is { } fell)
        {
            return $"{fell} {load}";
        }

        return raised is not null ? HelpedNothing(before, after, objectives, load) : null;
    }

    /// <summary>
    /// True when the window after holds each connection at least <see cref="Thresholds.HoldInflation"/> times as
    /// long as the window before, or when either hold time is unknown: the sign of a database that more sessions slow.
    /// </summary>
    private static bool HeldLonger(WindowSummary before, ObservedWindow after) =>
        !(before.ConnectionHoldMeanMs > 0 && after.ConnectionHoldMeanMs >= 0)
        || after.ConnectionHoldMeanMs >= before.ConnectionHoldMeanMs * Thresholds.HoldInflation;

    /// <summary>
    /// True when the window before already had a backlog (requests arriving faster than they were answered without
    /// an error, or requests in flight growing) and the window after answered at least 5% more without an error, at
    /// arrivals no lower.
    /// </summary>
    public static bool ServedMoreOfABacklog(WindowSummary before, ObservedWindow after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var was = Goodput(before.Rps, before.ErrorRate);
        var backlog = before.ArrivalRps > was * 1.02;
        return backlog && Goodput(after.Rps, after.ErrorRate) > was * 1.05 && after.ArrivalRps >= before.ArrivalRps * (1 - Thresholds.SimilarLoad);
    }

    /// <summary>
    /// How throughput fell at similar load with latency or errors no better (the throughput rule of
    /// <see cref="Regressed"/> alone), or null when it did not or the load moved too much to tell.
    /// </summary>
    public static string? ThroughputFell(WindowSummary before, ObservedWindow after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return LoadAlike(before, after) is { } load && !TooFewToJudge(before, after) && Fell(before, after) is { } fell ? $"{fell} {load}" : null;
    }

    private static string? Fell(WindowSummary before, ObservedWindow after) =>
        after.Rps < before.Rps * 0.95 && (after.P99Ms >= before.P99Ms || after.ErrorRate > before.ErrorRate + 0.01)
            ? $"throughput fell {Num.F(before.Rps)} -> {Num.F(after.Rps)} rps with p99 {Num.Ms(before.P99Ms)} -> {Num.Ms(after.P99Ms)}"
            : null;

    /// <summary>
    /// True when requests back up in <paramref name="w"/>: by Little's law (requests in flight over requests completed
    /// per second) the mean request spends longer in the service than the P99 objective allows any of them.
    /// </summary>
    public static bool BackedUp(ObservedWindow w, Objectives objectives)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(objectives);
        return double.IsFinite(w.InFlight) && w.Rps > 0 && w.InFlight / w.Rps * 1000 > objectives.P99LatencyMs;
    }

    /// <summary>How a raise made over the objective left the service as it was, or null when it helped.</summary>
    private static string? HelpedNothing(WindowSummary before, ObservedWindow after, Objectives objectives, string load)
    {
        var wasOver = before.P99Ms > objectives.P99LatencyMs || before.ShareUnderObjective < Thresholds.ShareTarget;
        var (was, now) = (Goodput(before.Rps, before.ErrorRate), Goodput(after.Rps, after.ErrorRate));
        return wasOver && Diagnosis.Diagnoser.OverObjective(after, objectives)
            && !(after.P99Ms < before.P99Ms * 0.9) && !(after.ShareUnderObjective - before.ShareUnderObjective > 0.005) && !(now > was * 1.05)
            ? $"{DidNotHelp}p99 {Num.Ms(before.P99Ms)} -> {Num.Ms(after.P99Ms)}, {Num.Pct(before.ShareUnderObjective)} -> {Num.Pct(after.ShareUnderObjective)} "
                + $"under the {Num.Ms(objectives.P99LatencyMs)} objective, goodput {Num.F(was)} -> {Num.F(now)} rps {load}"
            : null;
    }

    /// <summary>
    /// True when <paramref name="before"/> answered without an error less than arrived by more than the similar-load
    /// margin: a backlog still filling, or requests failing and shed while they arrive.
    /// </summary>
    public static bool Filling(WindowSummary before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return before.Rps > 0 && before.ArrivalRps > Goodput(before.Rps, before.ErrorRate) * (1 + Thresholds.SimilarLoad);
    }

    /// <summary>Requests per second answered without an error, of <paramref name="rps"/> completed.</summary>
    public static double Goodput(double rps, double errorRate) =>
        rps * (1 - Math.Clamp(double.IsFinite(errorRate) ? errorRate : 0, 0, 1));

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

    /// <summary>
    /// How the load of two windows is alike, in words, or null when it is not: requests arriving at similar rates
    /// (open loop: served requests are the outcome, not the load), or as many requests in flight (closed loop: the
    /// callers wait for each answer, so the same callers are the same load at any throughput).
    /// </summary>
    public static string? LoadAlike(WindowSummary before, ObservedWindow after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var beforeArrivals = Arrivals(before);
        if (SimilarLoad(beforeArrivals, after.ArrivalRps))
        {
            return $"at similar load ({Num.F(after.ArrivalRps)} vs {Num.F(beforeArrivals)} rps)";
        }

        return double.IsFinite(before.InFlight) && double.IsFinite(after.InFlight) && SimilarLoad(before.InFlight, after.InFlight)
            ? $"at similar concurrency ({Num.F(after.InFlight)} vs {Num.F(before.InFlight)} requests in flight; {Num.F(after.Rps)} vs {Num.F(before.Rps)} rps served)"
            : null;
    }

    /// <summary>Requests arriving per second in a window summary (its completions when arrivals were not recorded).</summary>
    private static double Arrivals(WindowSummary w) => w.ArrivalRps > 0 ? w.ArrivalRps : w.Rps;

    /// <summary>Two request rates within 15% of each other.</summary>
    public static bool SimilarLoad(double a, double b) =>
        a > 0 && b > 0 && Math.Abs(a - b) <= Thresholds.SimilarLoad * Math.Max(a, b);
}
