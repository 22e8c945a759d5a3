using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Undoes a change that made things worse at similar load; the move is then barred for a while. A change of several
/// knobs made together is undone as one (see <see cref="Together"/>).
/// </summary>
public static class Rollbacks
{
    /// <summary>How long a move that backfired is barred: six cooldowns, at least the hour a reversal is suppressed.</summary>
    public static TimeSpan BarFor(int cooldownSeconds) => TimeSpan.FromSeconds(Math.Max(MoveGuards.ReversalHold.TotalSeconds, 6L * Math.Max(0, cooldownSeconds)));

    internal static Decision Build(DecisionInput input, Finding finding, PendingChange p, string why)
    {
        if (p.Together)
        {
            return Together(input, finding, p, why);
        }

        var step = new PlanStep(p.Knob, p.To, p.From, 0, int.MaxValue);
        var budget = BudgetContext.For(input);
        if (budget is not null && p.Knob is Knob.DbMaxPoolSize or Knob.Replicas)
        {
            var target = input.Current.With(p.Knob, p.From);
            var plan = budget.Plan(input.Current, target);
            if (!plan.Fits)
            {
                var bad = plan.FirstViolation!;
                return DecisionBuilder.Hold(input, finding, DecisionReasons.BudgetExhausted,
                    $"{Label.Of(p.Knob)} {p.From} -> {p.To} {Verdict(why)} but undoing it needs {bad.PeakDemand} of {bad.Capacity} connections");
            }

            step = plan.Steps.FirstOrDefault(s => s.Knob == p.Knob) ?? step;
        }

        var bar = BarFor(input.Spec.Behavior.CooldownSeconds);
        var recommendOnly = input.Spec.Mode == TuningMode.Recommend || StepBounds.BudgetOf(input.Spec.Knobs, p.Knob) is not { Mode: KnobMode.Auto };
        var rollback = new Decision
        {
            Kind = DecisionKind.Rollback,
            Bottleneck = finding.Bottleneck,
            Reason = DecisionReasons.Rollback,
            Message = $"Rolled back {Label.Of(p.Knob)} {p.To} -> {p.From}: {why}; {(p.Direction == Direction.Up ? "raising" : "lowering")} it is barred for {Num.F(bar.TotalMinutes)} min",
            Knob = p.Knob,
            From = p.To,
            To = p.From,
            Evidence = finding.Evidence,
            Time = input.Now,
            Plan = [step],
            Claim = budget is null || p.Knob is Knob.ThreadPoolMinThreads or Knob.PostgresMaxConnections
                ? null
                : ConnectionPlanner.Claim(budget.Self, step, budget.Swap, budget.BusyPerPod),
        };

        // A change made before the ApiTuning (or the knob) was switched to Recommend is advised back, not undone.
        return recommendOnly ? rollback with
        {
            Kind = DecisionKind.Recommend,
            Message = $"Recommend rolling back {Label.Of(p.Knob)} {p.To} -> {p.From}: {why}",
            Claim = null,
        } : rollback;
    }

    /// <summary>
    /// Undoes every knob a decision applied together moved, in the order the connection budget demands: minimum
    /// threads and the pool first (one tuning file), max_connections last and only when a restart is allowed now, and
    /// only when the pools after the undo fit in what it falls to (another API may have taken the room since). A
    /// max_connections left raised is headroom nobody spends, so the undo of the in-process knobs never waits for a
    /// restart. The plan is checked step by step as any other change: an undo that would break the connection
    /// invariant in some intermediate state is held as BudgetExhausted.
    /// </summary>
    private static Decision Together(DecisionInput input, Finding finding, PendingChange p, string why)
    {
        var budget = BudgetContext.For(input);
        var (restartAllowed, refused) = RestartAllowed(input);
        var target = input.Current;
        var kept = new List<string>();
        foreach (var move in p.Moves)
        {
            if (input.Current.Get(move.Knob) is not { } now || now == move.From)
            {
                continue;
            }

            if (move.Knob == Knob.PostgresMaxConnections && !restartAllowed)
            {
                kept.Add($"max_connections stays at {now}: lowering it takes a database restart and {refused}");
                continue;
            }

            target = target.With(move.Knob, move.From);
        }

        var steps = DecisionBuilder.Steps(input.Current, target, budget);
        if (budget is not null && steps.FirstOrDefault(s => !s.Fits && s.Knob == Knob.PostgresMaxConnections) is { } mcStep)
        {
            // The pools on the server now need more than the old max_connections leaves: keep it, undo the rest.
            kept.Add($"max_connections stays at {mcStep.From}: the connections held after the undo ({mcStep.PeakDemand}) need more than {mcStep.To} leaves ({mcStep.Capacity})");
            target = target with { PostgresMaxConnections = input.Current.PostgresMaxConnections };
            steps = DecisionBuilder.Steps(input.Current, target, budget);
        }

        var moves = $"{p.Describe()} ({p.Reason})";
        if (budget is not null && steps.FirstOrDefault(s => !s.Fits) is { } bad)
        {
            return DecisionBuilder.Hold(input, finding, DecisionReasons.BudgetExhausted,
                $"{moves} {Verdict(why)} but undoing {Label.Of(bad.Knob)} {bad.From} -> {bad.To} needs {bad.PeakDemand} of {bad.Capacity} connections");
        }

        if (steps.Count == 0)
        {
            return DecisionBuilder.Hold(input, finding, DecisionReasons.NoRemedy, $"{moves} {Verdict(why)} and every knob it moved is back already");
        }

        var lead = steps.LastOrDefault(s => s.Knob is Knob.DbMaxPoolSize or Knob.ThreadPoolMinThreads) ?? steps[^1];
        var bar = BarFor(input.Spec.Behavior.CooldownSeconds);
        var undone = string.Join(", ", steps.Select(s => $"{Label.Of(s.Knob)} {s.From} -> {s.To}"));
        var recommendOnly = input.Spec.Mode == TuningMode.Recommend
            || steps.Any(s => StepBounds.BudgetOf(input.Spec.Knobs, s.Knob) is not { Mode: KnobMode.Auto });
        var keptNote = kept.Count == 0 ? string.Empty : "; " + string.Join("; ", kept);
        var rollback = new Decision
        {
            Kind = DecisionKind.Rollback,
            Bottleneck = finding.Bottleneck,
            Reason = DecisionReasons.Rollback,
            Message = $"Rolled back together {undone}: {why}; the moves undone are barred for {Num.F(bar.TotalMinutes)} min{keptNote}",
            Knob = lead.Knob,
            From = lead.From,
            To = lead.To,
            Evidence = finding.Evidence,
            Time = input.Now,
            Plan = steps,
            Together = steps.Count > 1,
            RequiresRestart = steps.Any(s => s.Knob == Knob.PostgresMaxConnections),
            Claim = budget is null || lead.Knob != Knob.DbMaxPoolSize
                ? null
                : ConnectionPlanner.Claim(budget.Self, lead, budget.Swap, budget.BusyPerPod),
        };

        return recommendOnly ? rollback with
        {
            Kind = DecisionKind.Recommend,
            Message = $"Recommend rolling back together {undone}: {why}{keptNote}",
            Claim = null,
        } : rollback;
    }

    /// <summary>Whether max_connections may be changed now (it takes a restart), and why not.</summary>
    private static (bool Allowed, string? Refused) RestartAllowed(DecisionInput input)
    {
        var postgres = input.Spec.Postgres;
        return (postgres?.Restart ?? RestartPolicy.Never) switch
        {
            RestartPolicy.Immediate => (true, null),
            RestartPolicy.Window when MaintenanceWindowCheck.IsOpen(postgres?.MaintenanceWindow, input.Now) => (true, null),
            RestartPolicy.Window => (false, "the maintenance window is closed"),
            _ => (false, "the restart policy is Never"),
        };
    }

    /// <summary>"made things worse (p99 rose ...)", or "did not help (p99 400 ms -> 390 ms, ...)" for a raise that left the service as it was.</summary>
    private static string Verdict(string why) =>
        why.StartsWith(RegressionCheck.DidNotHelp, StringComparison.Ordinal) ? $"did not help ({why[RegressionCheck.DidNotHelp.Length..]})" : $"made things worse ({why})";
}
