using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// Rule 3: pool exhaustion raises the pool to uses x hold time x headroom if the database budget allows; else raises
/// max_connections if its budget allows (the pool grows once the server confirms it); else BudgetExhausted.
/// </summary>
internal static class PoolPolicy
{
    public static Proposal Propose(DecisionInput input, Finding finding, ObservedWindow w, BudgetContext? budget)
    {
        var proposal = ProposeRaise(input, finding, w, budget);

        // What the pool asks for before the server's budget limits it: the DatabaseBudget arbitrates on it.
        return budget is not null && input.Current.DbMaxPoolSize is { } from && StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is { } pb
            ? proposal with { Wants = budget.SteadyWith(budget.Self.Replicas, Math.Clamp(Math.Max(LittleSizing.Pool(w, from), from), pb.Min, pb.Max)) }
            : proposal;
    }

    private static Proposal ProposeRaise(DecisionInput input, Finding finding, ObservedWindow w, BudgetContext? budget)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } poolBudget)
        {
            return Proposal.Hold(DecisionReasons.KnobNotManaged, finding.Summary + "; dbMaxPoolSize is not in the spec, so it is not changed");
        }

        if (input.Current.DbMaxPoolSize is not { } from)
        {
            return Proposal.Hold(DecisionReasons.NoData, finding.Summary + "; the applied pool size is unknown");
        }

        var need = LittleSizing.Pool(w, from);
        var to = StepBounds.Bound(Knob.DbMaxPoolSize, from, Math.Max(need, from + 1), poolBudget);
        var uses = $"{Num.F(LittleSizing.UsesPerPod(w))} uses/s x {Num.Ms(w.ConnectionHoldMeanMs)}";
        var why = LittleSizing.WaitersAreBacklog(w, from)
            ? $"{finding.Summary}; Little's law asks for {need} connections per pod ({uses} + {Num.F(w.PendingRequestsMean)} waiting, x {Num.F(Thresholds.Headroom)})"
            : $"{finding.Summary}; Little's law asks for {need} connections per pod ({uses}, x {Num.F(Thresholds.Headroom)}): the pool keeps up, "
                + $"its connections busy {Num.Pct(LittleSizing.PoolBusyShare(w, from))} of the time with no request timed out, so the "
                + $"{Num.F(w.PendingRequestsMean)} waiting per pod are its queue, not work it left undone";
        if (to <= from)
        {
            return Proposal.Hold(DecisionReasons.AtBudgetLimit, $"{why}; the pool is at its budget's maximum {poolBudget.Max}");
        }

        Settings Pool(int p) => input.Current with { DbMaxPoolSize = p };
        if (budget is null)
        {
            return Proposal.Change(DecisionReasons.RaisePool, why, Pool(to));
        }

        if (budget.Share is { } share && budget.SteadyWith(budget.Self.Replicas, from + 1) is var next && next > share.Cap)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted,
                $"{why}; {budget.Note()}, and a pool of {from + 1} would take {next}");
        }

        var fit = budget.LargestFitting(input.Current, from, to, Pool);
        var stuck = ShortOfStuck(input, w, from, fit, to);
        if (fit > from && stuck is null)
        {
            var limited = fit < to ? $" (the budget allows {fit} of the {to} wanted)" : string.Empty;
            return Proposal.Change(DecisionReasons.RaisePool, $"{why}; {budget.Note()}{limited}", Pool(fit));
        }

        if (stuck is not null)
        {
            // Both in one decision: max_connections first, confirmed by the server, then the pool in the same pass. A
            // pool left to the next window would sit at its old size through a restart that cost its connections.
            var both = RaiseMaxConnections(input, w, why + stuck, budget, to, poolBudget);
            return both.Target is null ? both : both with { Together = true };
        }

        return RaiseMaxConnections(input, w, why, budget, to, poolBudget);
    }

    /// <summary>
    /// Why the part of the raise that fits under today's max_connections is not taken alone, or null when it is: the
    /// service answers under half of what arrives (arrivals counting the growth of the thread-pool queue, which a
    /// starved pod's requests wait in before any gauge sees them), the requests waiting are work the pool leaves undone,
    /// that part is under half the step wanted, and a restart is allowed now: a restart then costs little that the
    /// service still serves. max_connections and the pool then rise in one decision; the part alone would cost a window and
    /// still leave a restart to come (measured in the demo: a collapse's first window raised the pool 4 -> 7 of the
    /// 12 wanted under max_connections 20, and max_connections 20 -> 38 came three windows later).
    /// </summary>
    private static string? ShortOfStuck(DecisionInput input, ObservedWindow w, int from, int fit, int to) =>
        fit > from && fit < to && (fit - from) * 2 < to - from && LittleSizing.WaitersAreBacklog(w, from)
            && CollapseSignal.Goodput(w) < LittleSizing.ArrivalsPerPod(w) * Math.Max(1, w.Pods) * Thresholds.CollapseGoodputShare
            && MaintenanceWindowCheck.RestartAllowedNow(input.Spec.Postgres, input.Now)
            && StepBounds.BudgetOf(input.Spec.Knobs, Knob.PostgresMaxConnections) is { } mb && mb.Max > (input.Current.PostgresMaxConnections ?? 0)
            ? $"; a pool of {fit} is all that fits now, under half the step to {to} while requests wait undone, while the service answers {Num.F(CollapseSignal.Goodput(w))} of {Num.F(LittleSizing.ArrivalsPerPod(w) * Math.Max(1, w.Pods))} rps arriving, so max_connections rises with it, and the pool in the same decision"
            : null;

    /// <summary>
    /// max_connections raised for the pool: the pool's next step (<paramref name="pool"/>) goes in once the server
    /// confirms it, and the new max_connections is sized for the pool the demand asks for
    /// (<see cref="LittleSizing.DemandPool"/>: arrivals x uses x the uncontended hold time, with headroom, within the
    /// pool's budget) as far as one step of max_connections reaches, so that the pool's later steps need no restart
    /// of their own. A restart costs the service a window of failed requests (measured in the proof's max_connections
    /// profile: 2,822 failed of 9,103 in the 15 s after one), an unused slot only its memory; sized for the next step
    /// only, that profile took three restarts, 12 -> 30 -> 54 -> 99, for one growth of the pool.
    /// </summary>
    private static Proposal RaiseMaxConnections(DecisionInput input, ObservedWindow w, string why, BudgetContext budget, int pool, KnobBudget poolBudget)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.PostgresMaxConnections) is not { } mcBudget)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted,
                $"{why}; {budget.Note()}{NextStepPeak(input, budget)} and postgresMaxConnections is not in the spec");
        }

        var mcFrom = input.Current.PostgresMaxConnections ?? budget.Ledger.MaxConnections;
        var mcTo = StepBounds.Bound(Knob.PostgresMaxConnections, mcFrom, mcBudget.Max, mcBudget);
        var from = budget.Self.PoolSize;

        // The smallest max_connections in the step that lets the wanted pool (or as much of it as fits) in.
        Settings With(int p, int mc) => input.Current with { DbMaxPoolSize = p, PostgresMaxConnections = mc };
        var poolAtMax = budget.LargestFitting(input.Current, from, pool, p => With(p, mcTo));
        if (mcTo <= mcFrom || poolAtMax <= from)
        {
            return Proposal.Hold(DecisionReasons.BudgetExhausted,
                $"{why}; {budget.Note()} and max_connections is at {mcFrom} (budget max {mcBudget.Max})");
        }

        var goal = Math.Min(LittleSizing.DemandPool(w, input.State.Baseline) ?? pool, poolBudget.Max);
        var room = goal > poolAtMax ? Search.Largest(poolAtMax + 1, goal, p => budget.NextStepFits(poolAtMax, mcTo, p)) ?? poolAtMax : poolAtMax;
        var mcNeeded = Search.Smallest(mcFrom + 1, mcTo,
            mc => budget.Plan(input.Current, With(poolAtMax, mc)).Fits && (room == poolAtMax || budget.NextStepFits(poolAtMax, mc, room))) ?? mcTo;
        var ahead = room > poolAtMax
            ? $", sized for a pool of {room} (the demand asks for {goal}) so that the pool's later steps need no restart of their own"
            : string.Empty;

        return Proposal.Change(DecisionReasons.RaiseMaxConnections,
            $"{why}; {budget.Note()}, too few for a pool of {poolAtMax}; the pool grows after the server confirms max_connections {mcNeeded}{ahead}",
            With(poolAtMax, mcNeeded));
    }

    /// <summary>
    /// "; a pool of 13 would need 25 of 24 connections at its peak" when the smallest raise is refused for its
    /// transitional peak (a live swap holds the old pool's busy connections beside the new pool) rather than for the
    /// steady state: then the server's limit, not the pool's size, is what stops it.
    /// </summary>
    private static string NextStepPeak(DecisionInput input, BudgetContext budget)
    {
        var next = budget.Self.PoolSize + 1;
        return budget.Plan(input.Current, input.Current with { DbMaxPoolSize = next }).FirstViolation is { OverShare: false } step
            ? $"; a pool of {next} would need {step.PeakDemand} of {step.Capacity} connections at its peak, while the pods swap pools"
            : string.Empty;
    }

    /// <summary>
    /// A saturated database whose pools are already no larger than the work needs at its uncontended hold time: the
    /// other way to fewer sessions is fewer pods, when the others can carry the CPU (as for any scale-in) and nothing
    /// has changed for the stabilisation window. One pool of 2n connections also serves the load of two pools of n with
    /// less wait (one queue instead of two), so the remaining pods need fewer sessions in all; if their pools are then
    /// exhausted at the shorter hold time the pool rule raises them, checking the database first. Judged as a give-back
    /// (rolled back if it left the service over its objective). Null when a replica cannot go.
    /// </summary>
    private static Proposal? FewerPods(DecisionInput input, ObservedWindow w, string why, int pool)
    {
        var c = input.Current;
        var stable = TimeSpan.FromSeconds(Math.Max(0, input.Spec.Behavior.ScaleInStabilizationSeconds));
        var last = input.State.History.FirstOrDefault(h => h.Decision.IsAction)?.Decision.Time;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.Replicas) is not { } rb || c.Replicas is not { } r || r <= Math.Max(1, rb.Min)
            || (last is { } t && input.Now - t < stable)
            || GiveBackPolicy.CpuAfterScaleIn(w, input.Spec.Objectives.P99LatencyMs, r) is not { } cpu)
        {
            return null;
        }

        return Proposal.Change(DecisionReasons.GiveBackCapacity,
            $"{why}; fewer sessions come from fewer pods: {r - 1} replicas would run at {Num.Pct(cpu.Cpu)} CPU{cpu.Why}, "
            + $"and {r - 1} pools of {pool} open {(r - 1) * pool} sessions instead of {r * pool}",
            c with { Replicas = r - 1 });
    }

    /// <summary>Rule 4: a saturated database gets no more connections, and a pool that only queues inside it shrinks.</summary>
    public static Proposal ShrinkForSaturatedDatabase(DecisionInput input, Finding finding, ObservedWindow w)
    {
        var why = finding.Summary;
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.DbMaxPoolSize) is not { } poolBudget || input.Current.DbMaxPoolSize is not { } from)
        {
            return Proposal.Hold(DecisionReasons.DatabaseSaturated, $"{why}; no connections are added");
        }

        var bestHold = input.State.History.Select(r => r.Before?.ConnectionHoldMeanMs ?? double.NaN)
            .Where(h => double.IsFinite(h) && h > 0).DefaultIfEmpty(w.ConnectionHoldMeanMs / Thresholds.HoldInflation).Min();
        var need = LittleSizing.PoolAtHold(w, bestHold);
        if (need >= from)
        {
            var atNeed = $"{why}; no connections are added, and at the {Num.Ms(bestHold)} uncontended hold time the work needs {need} per pod, no fewer than the {from} it has";
            return FewerPods(input, w, atNeed, from) ?? Proposal.Hold(DecisionReasons.DatabaseSaturated, atNeed);
        }

        // Give back at most a quarter per step: the smaller pool is judged (and rolled back) before the next.
        var to = StepBounds.Bound(Knob.DbMaxPoolSize, from, Math.Max(need, from - Math.Max(1, from / 4)), poolBudget);
        return to >= from
            ? Proposal.Hold(DecisionReasons.DatabaseSaturated, $"{why}; no connections are added and the pool is at its budget's minimum {poolBudget.Min}")
            : Proposal.Change(DecisionReasons.ShrinkPool,
                $"{why}; at the {Num.Ms(bestHold)} hold time the database gives uncontended, {Num.F(LittleSizing.UsesPerPod(w))} uses/s per pod need {need} connections",
                input.Current with { DbMaxPoolSize = to });
    }
}
