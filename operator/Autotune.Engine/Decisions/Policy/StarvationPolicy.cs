using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>
/// Rule 2: thread starvation raises the minimum threads to what Little's law asks for, in a bounded step: at most
/// doubled, or quadrupled when the threads are measured blocked with CPU to spare (<see cref="StepBounds.MaxUpBlocked"/>).
/// </summary>
internal static class StarvationPolicy
{
    public static Proposal Propose(DecisionInput input, Finding finding, ObservedWindow w)
    {
        if (StepBounds.BudgetOf(input.Spec.Knobs, Knob.ThreadPoolMinThreads) is not { } budget)
        {
            return Proposal.Hold(DecisionReasons.KnobNotManaged, finding.Summary + "; threadPoolMinThreads is not in the spec, so it is not changed");
        }

        if (input.Current.ThreadPoolMinThreads is not { } from)
        {
            return Proposal.Hold(DecisionReasons.NoData, finding.Summary + "; the applied minimum threads are unknown");
        }

        var baseline = input.State.Baseline;
        var fromDemand = baseline is { ServiceMs: > 0 } && StarvationSignal.Backlogged(w, input.Spec.Objectives.MaxQueueDepth);
        var need = LittleSizing.Threads(w, baseline, input.Spec.Objectives.MaxQueueDepth);
        var blocked = StarvationSignal.Blocked(w);
        var maxUp = blocked ? StepBounds.MaxUpBlocked(from) : StepBounds.MaxUp(Knob.ThreadPoolMinThreads, from);
        var to = StepBounds.Bound(from, Math.Max(need, from + Math.Max(4, from / 2)), maxUp, budget);
        var why = fromDemand
            ? $"{finding.Summary}; the demand asks for {need} threads per pod ({Num.F(LittleSizing.ArrivalsPerPod(w))} rps arriving x "
                + $"{Num.Ms(LittleSizing.ServiceSeconds(w, baseline) * 1000)}, the fastest this API served uncontended, x {Num.F(Thresholds.Headroom)}; "
                + $"the backlog of {Num.F(StarvationSignal.QueuePeak(w))} queued per pod is the collapse, not the demand)"
            : $"{finding.Summary}; Little's law asks for {need} threads per pod (the larger of {Num.F(LittleSizing.ArrivalsPerPod(w))} rps x "
                + $"{Num.Ms(LittleSizing.ThreadSeconds(w) * 1000)} and {Num.F(LittleSizing.InFlightPerPod(w))} requests in flight at the busiest scrape, x {Num.F(Thresholds.Headroom)})";
        if (blocked && to > StepBounds.MaxUp(Knob.ThreadPoolMinThreads, from))
        {
            why += $"; the threads are blocked ({Num.F(w.WorkItemsPerSecond / StarvationSignal.ThreadsOf(w))} work items a second each, "
                + $"under {Num.F(Thresholds.BlockedWorkItemsPerThread)}, with CPU to spare), so the step may quadruple them";
        }

        return to <= from
            ? Proposal.Hold(DecisionReasons.AtBudgetLimit, $"{why}; minimum threads are at their budget's maximum {budget.Max}")
            : Proposal.Change(DecisionReasons.RaiseMinThreads, why, input.Current with { ThreadPoolMinThreads = to });
    }
}
