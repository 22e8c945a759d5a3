using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions;

/// <summary>
/// The tuning state after a decision: the change in flight confirmed, kept or replaced, moves barred after a
/// rollback, the comfortable run extended or broken, the knee a judged move showed remembered, and the decision recorded. Pure, like the engine.
/// </summary>
public static class TuningStateTransitions
{
    /// <summary>Decisions kept in the history.</summary>
    public const int HistoryLimit = 20;

    /// <summary>The state after <paramref name="decision"/> was made (and, for an action, applied) on <paramref name="input"/>.</summary>
    /// <param name="input">The input the decision was made on.</param>
    /// <param name="decision">The decision.</param>
    /// <param name="expectedGeneration">The tuning generation written for an in-process change (null: confirmed by value).</param>
    public static TuningState Next(DecisionInput input, Decision decision, long? expectedGeneration = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(decision);
        var state = input.State;
        var judgement = ChangeJudge.Evaluate(input);
        var pending = judgement.Status switch
        {
            PendingStatus.AwaitingConfirmation => state.Pending,
            PendingStatus.Warming => state.Pending! with { ConfirmedAt = judgement.ConfirmedAt },
            _ => null,
        };
        var barred = state.Barred.Where(b => b.Until > input.Now).ToList();
        var summary = input.Window is { } w ? WindowSummary.Of(w) : null;

        if (decision.IsAction && decision is { Knob: { } knob, From: { } from, To: { } to })
        {
            pending = new PendingChange
            {
                Knob = knob,
                From = from,
                To = to,
                Reason = decision.Reason,
                DecidedAt = input.Now,
                ExpectedGeneration = knob is Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize ? expectedGeneration : null,
                Before = summary,
                IsRollback = decision.Kind == DecisionKind.Rollback,
                Steps = decision.Together ? [.. decision.Plan.Select(s => new KnobStep(s.Knob, s.From, s.To))] : [],
            };
            if (decision.Kind == DecisionKind.Rollback)
            {
                // Every move the rollback undoes is barred, not only the knob that leads it: a change applied together
                // backfired as a whole.
                var until = input.Now + Rollbacks.BarFor(input.Spec.Behavior.CooldownSeconds);
                foreach (var (k, f, t) in decision.Together ? decision.Plan.Select(s => (s.Knob, s.From, s.To)) : [(knob, from, to)])
                {
                    barred.Add(new BarredMove(k, t > f ? Direction.Down : Direction.Up, until, decision.Message));
                }
            }
        }

        (DateTimeOffset? Since, IReadOnlyList<bool> Windows) comfort = decision.IsAction ? (null, []) : Policy.ComfortRun.Next(input, state.ComfortableSince, state.ComfortWindows);
        var history = state.History;
        var newest = history.Count > 0 ? history[0].Decision : null;
        var repeat = decision.Kind == DecisionKind.Recommend && newest is not null
            && newest.Kind == decision.Kind && newest.Knob == decision.Knob && newest.To == decision.To && newest.Reason == decision.Reason;
        if (decision.Kind != DecisionKind.Hold && !repeat)
        {
            history = [new HistoryEntry(decision, summary), .. history.Take(HistoryLimit - 1)];
        }

        return state with
        {
            Pending = pending,
            Barred = barred,
            History = history,
            ComfortableSince = comfort.Since,
            ComfortWindows = comfort.Windows,
            Baseline = ServiceBaseline.Next(state.Baseline, input.Window, input.Spec.Objectives.P99LatencyMs),
            Knees = KneeMemory.Learn(state.Knees, judgement, input.Window, input.Now),
            PoolPeaks = input.Window is { PoolInUseMax: var peak } && double.IsFinite(peak)
                ? [peak, .. state.PoolPeaks.Take(Policy.GiveBackPolicy.IdleWindows - 1)]
                : [],
        };
    }
}
