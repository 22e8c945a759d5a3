using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions;

/// <summary>Turns a proposal into a decision: plans its steps, applies the guardrails to the first, and words it.</summary>
internal static class DecisionBuilder
{
    public static Decision Build(DecisionInput input, Finding finding, Proposal proposal, BudgetContext? budget)
    {
        var decision = BuildStep(input, finding, proposal, budget);
        if (budget is null)
        {
            return decision;
        }

        // What the proposal asks for before the budget limits it, for the DatabaseBudget's arbitration.
        var wants = proposal.Wants ?? (proposal.Target is { } t ? budget.SteadyWith(t.Replicas ?? budget.Self.Replicas, t.DbMaxPoolSize ?? budget.Self.PoolSize) : null);
        return wants is { } w ? decision with { Wants = w } : decision;
    }

    private static Decision BuildStep(DecisionInput input, Finding finding, Proposal proposal, BudgetContext? budget)
    {
        if (proposal.Target is not { } target)
        {
            return Hold(input, finding, proposal.Reason, proposal.Why);
        }

        var why = proposal.Why;
        if (proposal.Reason != DecisionReasons.RepairBudget && BelowKnees(input, target) is { } capped)
        {
            if (capped.Target == input.Current || capped.Target == input.Current with { PostgresMaxConnections = target.PostgresMaxConnections })
            {
                return Hold(input, finding, DecisionReasons.KneeReached, $"{why}; {capped.Note}");
            }

            (target, why) = (capped.Target, $"{why}; {capped.Note}");
        }

        var steps = Steps(input.Current, target, budget);
        if (steps.Count == 0)
        {
            return Hold(input, finding, DecisionReasons.ObjectiveMet, why);
        }

        if (budget is not null && proposal.Reason != DecisionReasons.RepairBudget && steps.FirstOrDefault(s => !s.Fits) is { } bad)
        {
            return Hold(input, finding, DecisionReasons.BudgetExhausted, bad is { OverShare: true, Share: { } share }
                ? $"{why}; {Label.Of(bad.Knob)} {bad.From} -> {bad.To} would give this API {bad.SelfDemand} connections: {share.Note()}"
                : $"{why}; {Label.Of(bad.Knob)} {bad.From} -> {bad.To} would need {bad.PeakDemand} of {bad.Capacity} connections");
        }

        if (proposal.Together && steps.Count > 1 && steps.LastOrDefault(s => s.Knob is Knob.DbMaxPoolSize or Knob.ThreadPoolMinThreads) is { } lead)
        {
            return Together(input, finding, proposal.Reason, why, steps, lead, budget);
        }

        var first = steps[0];
        var knob = first.Knob;
        var blocked = Guard(input, first, proposal.Reason);
        if (blocked is { } b)
        {
            return Hold(input, finding, b.Reason, $"{why}; {Verb(first, false)} {Label.Of(knob)} {first.From} -> {first.To} waits: {b.Why}");
        }

        var recommendOnly = input.Spec.Mode == TuningMode.Recommend || StepBounds.BudgetOf(input.Spec.Knobs, knob)!.Mode == KnobMode.Recommend;
        var restartNote = string.Empty;
        if (knob == Knob.PostgresMaxConnections && !recommendOnly)
        {
            switch (input.Spec.Postgres?.Restart ?? RestartPolicy.Never)
            {
                case RestartPolicy.Never:
                    recommendOnly = true;
                    restartNote = "; it needs a database restart and the restart policy is Never";
                    break;
                case RestartPolicy.Window when !MaintenanceWindowCheck.IsOpen(input.Spec.Postgres?.MaintenanceWindow, input.Now):
                    return Hold(input, finding, DecisionReasons.WaitingForMaintenanceWindow,
                        $"{why}; raising max_connections {first.From} -> {first.To} needs a restart, allowed only in the maintenance window");
            }
        }

        var decision = new Decision
        {
            Kind = recommendOnly ? DecisionKind.Recommend : DecisionKind.Change,
            Bottleneck = finding.Bottleneck,
            Reason = proposal.Reason,
            Message = recommendOnly
                ? $"Recommend {Verb(first, false)} {Label.Of(knob)} {first.From} -> {first.To}: {why}{restartNote}"
                : $"{Verb(first, true)} {Label.Of(knob)} {first.From} -> {first.To}: {why}",
            Knob = knob,
            From = first.From,
            To = first.To,
            Evidence = finding.Evidence,
            Time = input.Now,
            Plan = steps,
            RequiresRestart = knob == Knob.PostgresMaxConnections,
        };
        return recommendOnly || budget is null || knob is Knob.ThreadPoolMinThreads
            ? decision
            : decision with { Claim = ConnectionPlanner.Claim(budget.Self, first, budget.Swap, budget.BusyPerPod) };
    }

    /// <summary>
    /// One decision for every step, applied in one pass in the plan's order (max_connections, confirmed, before the pool
    /// grows): each step passes the guardrails, or the whole change waits. The tuning file that carries the in-process
    /// knobs confirms it, so <paramref name="lead"/> (the pool, else minimum threads) is the knob it is followed by.
    /// </summary>
    private static Decision Together(DecisionInput input, Finding finding, string reason, string why, List<PlanStep> steps, PlanStep lead, BudgetContext? budget)
    {
        foreach (var step in steps)
        {
            if (Guard(input, step, reason) is { } b)
            {
                return Hold(input, finding, b.Reason, $"{why}; {Verb(step, false)} {Label.Of(step.Knob)} {step.From} -> {step.To} waits: {b.Why}");
            }
        }

        var recommendOnly = input.Spec.Mode == TuningMode.Recommend
            || steps.Any(s => StepBounds.BudgetOf(input.Spec.Knobs, s.Knob)!.Mode == KnobMode.Recommend);
        var up = steps.All(s => s.To > s.From);
        var moves = string.Join(", ", steps.Select(s => $"{(up ? string.Empty : Verb(s, false) + " ")}{Label.Of(s.Knob)} {s.From} -> {s.To}"));
        return new Decision
        {
            Kind = recommendOnly ? DecisionKind.Recommend : DecisionKind.Change,
            Bottleneck = finding.Bottleneck,
            Reason = reason,
            Message = recommendOnly
                ? $"Recommend {(up ? "raising " : string.Empty)}together {moves}: {why}"
                : $"{(up ? "Raised" : "Changed")} together {moves}: {why}",
            Knob = lead.Knob,
            From = lead.From,
            To = lead.To,
            Evidence = finding.Evidence,
            Time = input.Now,
            Plan = steps,
            Together = true,
            RequiresRestart = steps.Any(s => s.Knob == Knob.PostgresMaxConnections),
            Claim = recommendOnly || budget is null ? null
                : steps.FirstOrDefault(s => s.Knob == Knob.PostgresMaxConnections && s.To > s.From) is { } room
                    // The pool grows only once the server confirms the new max_connections: until then this API holds
                    // what it holds, and the ledger counts the lower of the running and the pending value for all.
                    ? ConnectionPlanner.Claim(budget.Self, room, budget.Swap, budget.BusyPerPod)
                : lead.Knob != Knob.DbMaxPoolSize ? null
                : ConnectionPlanner.Claim(budget.Self, lead, budget.Swap, budget.BusyPerPod),
        };
    }

    /// <summary>The guardrails on one step: the knob is in the spec, the step stays in its budget, cooldown, bars, reversals.</summary>
    public static (string Reason, string Why)? Guard(DecisionInput input, PlanStep step, string reason)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, step.Knob) is not { } kb)
        {
            return (DecisionReasons.KnobNotManaged, $"{Label.Of(step.Knob)} is not in the spec, so it is never changed");
        }

        if ((step.To < kb.Min || step.To > kb.Max) && !TowardBudget(step, kb))
        {
            return (DecisionReasons.AtBudgetLimit, $"{step.To} is outside the budget {kb.Min}..{kb.Max}");
        }

        if (step.Knob == Knob.PostgresMaxConnections && input.Spec.Postgres is null)
        {
            return (DecisionReasons.KnobNotManaged, "the spec names no database to apply max_connections to");
        }

        return MoveGuards.Check(input, step.Knob, step.To > step.From ? Direction.Up : Direction.Down, reason);
    }

    /// <summary>
    /// A step from a value outside the budget that moves toward it without passing it: a start outside the user's
    /// bounds is brought back in, never held there for being outside them.
    /// </summary>
    private static bool TowardBudget(PlanStep step, KnobBudget budget) =>
        (step.From > budget.Max && step.To < step.From && step.To >= budget.Min)
        || (step.From < budget.Min && step.To > step.From && step.To <= budget.Max);

    /// <summary>
    /// The target with every raise of minimum threads or the pool kept below the knob's knee at similar load (see
    /// <see cref="KneeMemory"/>), and why; null when no raise reaches a knee. A knob whose knee is the next value up
    /// stays where it is.
    /// </summary>
    private static (Settings Target, string Note)? BelowKnees(DecisionInput input, Settings target)
    {
        var capped = target;
        var notes = new List<string>();
        foreach (var knob in new[] { Knob.ThreadPoolMinThreads, Knob.DbMaxPoolSize })
        {
            if (target.Get(knob) is { } to && input.Current.Get(knob) is { } from && to > from
                && KneeMemory.Ceiling(input.State, knob, input.Window) is { } ceiling && to > ceiling)
            {
                var knee = ceiling + 1;
                capped = capped.With(knob, Math.Max(from, ceiling));
                notes.Add(ceiling > from
                    ? $"{Label.Of(knob)} stops at {ceiling}, below its knee {knee} (a raise to {knee} was judged worse at similar load)"
                    : $"{Label.Of(knob)} stays at {from}: a raise to {knee} was judged worse at similar load, so {knee} is its knee for this load");
            }
        }

        return notes.Count == 0 ? null : (capped, string.Join("; ", notes));
    }

    public static Decision Hold(DecisionInput input, Finding finding, string reason, string why) => new()
    {
        Kind = DecisionKind.Hold,
        Bottleneck = finding.Bottleneck,
        Reason = reason,
        Message = $"Holding: {why}",
        Evidence = finding.Evidence,
        Time = input.Now,
    };

    /// <summary>The steps from <paramref name="current"/> to <paramref name="target"/> in the order the connection budget demands.</summary>
    public static List<PlanStep> Steps(Settings current, Settings target, BudgetContext? budget)
    {
        var steps = new List<PlanStep>();
        if (target.ThreadPoolMinThreads is { } t && current.ThreadPoolMinThreads is { } t0 && t != t0)
        {
            steps.Add(new PlanStep(Knob.ThreadPoolMinThreads, t0, t, budget?.Ledger.Demand ?? 0, budget?.Ledger.Capacity ?? int.MaxValue));
        }

        if (budget is not null)
        {
            steps.AddRange(budget.Plan(current, target).Steps);
            return steps;
        }

        // Not budgeted: shrink before grow, max_connections raised first and lowered last.
        foreach (var knob in new[] { Knob.DbMaxPoolSize, Knob.PostgresMaxConnections, Knob.Replicas })
        {
            if (target.Get(knob) is { } to && current.Get(knob) is { } from && to != from)
            {
                steps.Add(new PlanStep(knob, from, to, 0, int.MaxValue));
            }
        }

        return steps;
    }

    private static string Verb(PlanStep step, bool past) => (step.To > step.From, past) switch
    {
        (true, true) => "Raised",
        (false, true) => "Lowered",
        (true, false) => "raising",
        (false, false) => "lowering",
    };
}
