using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// A collapsed service is sized from demand in one decision: the requests arriving per pod x the uncontended time each
/// needs a thread (minimum threads) and a connection (the pool), with headroom, and max_connections raised first when
/// the pool needs the room. The times are the API's learned baseline (<see cref="ServiceBaseline"/>) or, without one,
/// the connection hold time the window measured: a request on a blocking data path holds its thread at least that long
/// (and the requests that complete in a collapse are too few to say more).
/// Never the window's latencies: in a collapse they are the time spent queued, and Little's law on them asks for
/// thousands of threads (measured in the simulator's demo: 2 -> 18 threads on "191,796 asked", then max_connections
/// 20 -> 30 -> 41 and the pool 4 -> 12 -> 15, one change per window, objective first met in minute 17). Each knob only
/// rises, inside its budget, without the per-step bound: the size comes from demand, not from a latency a raise could
/// overshoot. Minimum threads rise only when work queues for threads that complete little (they are blocked).
/// </summary>
internal static class CollapsePolicy
{
    /// <summary>The settings that carry the demand; null when none of them needs to rise.</summary>
    public static Proposal? Propose(DecisionInput input, Finding finding, ObservedWindow w, BudgetContext? budget)
    {
        var c = input.Current;
        var baseline = input.State.Baseline;
        var arrivals = LittleSizing.ArrivalsPerPod(w);
        var holdMs = LittleSizing.HoldMs(w, baseline);
        var usesPerRequest = LittleSizing.UsesPerRequest(w);
        var serviceMs = baseline is { ServiceMs: > 0 } b ? b.ServiceMs : holdMs;
        var target = c;
        var parts = new List<string>();

        if (ThreadsBlocked(w, input.Spec.Objectives.MaxQueueDepth) && serviceMs > 0 && c.ThreadPoolMinThreads is { } t0
            && StepBounds.BudgetOf(input.Spec.Knobs, Knob.ThreadPoolMinThreads) is { } tb)
        {
            var need = Ceiling(arrivals * serviceMs / 1000 * Thresholds.Headroom);
            target = target with { ThreadPoolMinThreads = Math.Clamp(Math.Max(t0, need), tb.Min, Math.Max(tb.Min, tb.Max)) };
            parts.Add($"{need} threads ({Num.F(arrivals)} rps arriving per pod x {Num.Ms(serviceMs)} "
                + (baseline is { ServiceMs: > 0 } ? "uncontended service time" : "connection hold time") + $" x {Num.F(Thresholds.Headroom)})");
        }

        var mcNote = string.Empty;
        if (holdMs > 0 && c.DbMaxPoolSize is { } p0 && StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is { } pb)
        {
            var need = LittleSizing.DemandPool(w, baseline)!.Value;
            var pool = Math.Clamp(Math.Max(p0, need), pb.Min, Math.Max(pb.Min, pb.Max));
            parts.Add($"{need} connections ({Num.F(arrivals)} rps x {Num.F(usesPerRequest)} uses x {Num.Ms(holdMs)} held"
                + (baseline is { HoldMs: > 0 } ? " uncontended" : string.Empty) + $" x {Num.F(Thresholds.Headroom)})");
            if (pool > p0 && budget is not null)
            {
                (target, mcNote) = Room(input, budget, target, p0, pool);
            }
            else
            {
                target = target with { DbMaxPoolSize = pool };
            }
        }

        if (target == c)
        {
            return null;
        }

        var why = $"{finding.Summary}; the demand asks for {string.Join(" and ", parts)}, not from the collapse's latencies"
            + (budget is null ? string.Empty : $"; {budget.Note()}") + mcNote;
        return Proposal.Change(DecisionReasons.RecoverFromCollapse, why, target) with { Together = true };
    }

    /// <summary>
    /// The target with the pool as large as the connection budget lets it be: at the current max_connections, or at
    /// the smallest max_connections in its budget that lets the pool in, when a restart is allowed now.
    /// </summary>
    private static (Settings Target, string Note) Room(DecisionInput input, BudgetContext budget, Settings target, int from, int pool)
    {
        Settings With(int p, int? mc) => target with { DbMaxPoolSize = p, PostgresMaxConnections = mc ?? target.PostgresMaxConnections };
        var fit = budget.LargestFitting(input.Current, from, pool, p => With(p, null));
        if (fit >= pool)
        {
            return (With(pool, null), string.Empty);
        }

        var restartNow = MaintenanceWindowCheck.RestartAllowedNow(input.Spec.Postgres, input.Now);
        var mcFrom = input.Current.PostgresMaxConnections ?? budget.Ledger.MaxConnections;
        // A max_connections raise that must wait (its cooldown after the last restart, a bar) would hold the whole plan:
        // the part of the pool that fits now goes in, and the rest follows once max_connections may rise (measured in
        // the demo at 19:10 UTC, 2026-12-07: max_connections 20 -> 36 sized for a pool of 15, then the collapse's plan
        // asked 36 -> 38 for a pool of 16 and held the pool at 7 through the restart's cooldown, one window more).
        var waits = MoveGuards.Check(input, Knob.PostgresMaxConnections, Direction.Up, DecisionReasons.RecoverFromCollapse);
        if (!restartNow || waits is not null || StepBounds.BudgetOf(input.Spec.Knobs, Knob.PostgresMaxConnections) is not { } mb || mb.Max <= mcFrom)
        {
            return (With(fit, null), fit > from
                ? $" (the budget allows a pool of {fit} of the {pool} wanted; max_connections is not raised: "
                    + (!restartNow ? "its restart is not allowed now)" : waits is { } wait ? $"{wait.Why})" : $"it is at its budget's maximum {mcFrom})")
                : $"; the pool stays at {from}: max_connections cannot be raised now");
        }

        var poolAtMax = budget.LargestFitting(input.Current, from, pool, p => With(p, mb.Max));
        var mc = Search.Smallest(mcFrom + 1, mb.Max, m => budget.Plan(input.Current, With(poolAtMax, m)).Fits) ?? mb.Max;
        return poolAtMax > fit
            ? (With(poolAtMax, mc), $"; max_connections {mcFrom} -> {mc} first, confirmed before the pool grows to {poolAtMax}")
            : (With(fit, null), string.Empty);
    }

    /// <summary>Work queues for threads that complete little: the threads are blocked, and more of them serve the demand.</summary>
    private static bool ThreadsBlocked(ObservedWindow w, double maxQueueDepth) =>
        StarvationSignal.QueuePeak(w) > maxQueueDepth
        && StarvationSignal.CompletionsStall(w.WorkItemsPerSecond, Math.Max(w.ThreadsLast, w.ThreadsMean is > 0 and var m ? m : 0));

    private static int Ceiling(double v) => double.IsFinite(v) ? (int)Math.Min(int.MaxValue / 4, Math.Ceiling(Math.Max(0, v))) : 0;
}
