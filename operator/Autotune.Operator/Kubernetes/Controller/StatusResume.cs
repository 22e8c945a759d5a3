using Autotune.Engine.Model;
using Autotune.Engine.Spec;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// What a restarted operator (or a new leader) takes over from status: the decision history, and the change in
/// flight when the Tuning condition says one is. The change is then awaited and judged, never made a second time.
/// </summary>
public static class StatusResume
{
    /// <summary>
    /// The tuning state status records. An in-process change in flight is confirmed by the generation every pod
    /// reports: the one delivered (the tuning ConfigMap's), since the change in flight is the last one delivered.
    /// </summary>
    public static TuningState From(ApiTuningStatus? status, long? deliveredGeneration)
    {
        if (status is null)
        {
            return TuningState.Empty;
        }

        var history = status.History.Select(r => new HistoryEntry(new Decision
        {
            Kind = r.Kind,
            Bottleneck = r.Bottleneck ?? Bottleneck.None,
            Reason = r.Reason,
            Message = r.Message,
            Knob = r.Knob,
            From = r.From,
            To = r.To,
            Time = r.Time,
        }, null)).ToList();

        var tuning = status.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Tuning);
        PendingChange? pending = null;
        if (tuning?.Status == ConditionStatus.True && status.LastDecision is { Knob: { } knob, From: { } from, To: { } to } last)
        {
            pending = new PendingChange
            {
                Knob = knob,
                From = from,
                To = to,
                Reason = last.Reason,
                DecidedAt = last.Time,
                ExpectedGeneration = knob is Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize ? deliveredGeneration : null,
                IsRollback = last.Kind == DecisionKind.Rollback,
            };
        }

        return new TuningState { History = history, Pending = pending };
    }
}
