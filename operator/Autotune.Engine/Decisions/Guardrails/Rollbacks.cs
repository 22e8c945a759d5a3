using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>Undoes a change that made things worse at similar load; the move is then barred for a while.</summary>
public static class Rollbacks
{
    /// <summary>How long a move that backfired is barred: six cooldowns, at least the hour a reversal is suppressed.</summary>
    public static TimeSpan BarFor(int cooldownSeconds) => TimeSpan.FromSeconds(Math.Max(MoveGuards.ReversalHold.TotalSeconds, 6L * Math.Max(0, cooldownSeconds)));

    internal static Decision Build(DecisionInput input, Finding finding, PendingChange p, string why)
    {
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
                    $"{Label.Of(p.Knob)} {p.From} -> {p.To} made things worse ({why}) but undoing it needs {bad.PeakDemand} of {bad.Capacity} connections");
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
}
