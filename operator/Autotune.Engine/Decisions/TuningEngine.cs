using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions;

/// <summary>
/// The decision core: one pure function from what was observed and remembered to one decision (a knob change with
/// its reason and evidence, a rollback, a recommendation, or a hold with its reason). The order: paused; the change
/// in flight (awaited, warming, or judged and perhaps rolled back); a broken connection budget is repaired; then
/// diagnosis and the policy of the bottleneck, through the guardrails.
/// </summary>
public static class TuningEngine
{
    /// <summary>Decides for one ApiTuning and one window.</summary>
    public static Decision Decide(DecisionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var finding = Diagnoser.Diagnose(input.Spec, input.Window, input.Current, input.State, input.Now);
        if (input.Spec.Mode == TuningMode.Paused)
        {
            return DecisionBuilder.Hold(input, finding, DecisionReasons.Paused, "paused, nothing is decided; " + finding.Summary);
        }

        var judgement = ChangeJudge.Evaluate(input);
        switch (judgement.Status)
        {
            case PendingStatus.AwaitingConfirmation:
                return DecisionBuilder.Hold(input, finding, DecisionReasons.AwaitingConfirmation, judgement.Why);
            case PendingStatus.Warming:
                return DecisionBuilder.Hold(input, finding, DecisionReasons.AwaitingWarmup, judgement.Why);
            case PendingStatus.TimedOut:
                return DecisionBuilder.Hold(input, finding, DecisionReasons.ChangeNotConfirmed, judgement.Why + "; it is given up");
            case PendingStatus.Regressed when judgement.Pending is { } p:
                return Rollbacks.Build(input, finding, p, judgement.Why);
        }

        if (finding.HoldReason is DecisionReasons.NoData or DecisionReasons.StaleData)
        {
            // Blind: not even a broken budget is repaired on settings nobody has seen lately.
            return DecisionBuilder.Hold(input, finding, finding.HoldReason, finding.Summary);
        }

        var budget = BudgetContext.For(input);
        var proposal = BudgetRepair.Propose(input, finding, budget) ?? TuningPolicy.Propose(input, finding, budget);
        return DecisionBuilder.Build(input, finding, proposal, budget);
    }
}
