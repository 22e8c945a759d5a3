using System.Globalization;
using Autotune.Contracts;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>
/// What a restarted operator (or a new leader) takes over from status: the decision history, the change in flight
/// when the Tuning condition says one is, and what was learned (the uncontended baseline, each knob's knee, the moves
/// barred after a rollback, see <see cref="LearnedState"/>). The change is then awaited and judged, never made a second time.
/// </summary>
public static class StatusResume
{
    /// <summary>
    /// The tuning state from status and the tuning file delivered now. Besides what status records, a delivered
    /// minimum-threads or pool value that differs from the value status last saw in force (with the change status has
    /// in flight, if any, applied) is a change an operator applied and stopped before recording (the ConfigMap is
    /// written before status): it is resumed as the change in flight, awaited and accepted once every pod reports it
    /// (its baseline window went with that operator, so it is not judged), and recorded in the history, so it is never
    /// stepped on a second time. It replaces the change status names in flight: the pass that wrote the newer file had
    /// judged that one already (one change at a time), and the file's generation confirms the newer change, not it.
    /// </summary>
    public static TuningState From(ApiTuningStatus? status, TuningFile? delivered, DateTimeOffset now)
    {
        var state = From(status, delivered?.Generation, now);
        if (delivered is null || Unrecorded(InFlight(status?.Current, state.Pending), delivered) is not { } change
            || (state.Pending is not null && change.From == change.To))
        {
            // Nothing unrecorded; or a value status never saw, which only needs awaiting, beside a change status awaits already.
            return state;
        }

        var (knob, from, to) = change;
        var decision = new Decision
        {
            Kind = DecisionKind.Change,
            Bottleneck = Bottleneck.None,
            Reason = DecisionReasons.ResumedChange,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"{knob} {from} -> {to} is in the tuning ConfigMap (generation {delivered.Generation}) but not in status: the operator that applied it stopped before recording it; resumed as the change in flight, accepted once every pod reports generation {delivered.Generation}"),
            Knob = knob,
            From = from,
            To = to,
            Time = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), now.Offset),
        };
        return state with
        {
            History = [new HistoryEntry(decision, null), .. state.History],
            Pending = new PendingChange
            {
                Knob = knob,
                From = from,
                To = to,
                Reason = DecisionReasons.ResumedChange,
                DecidedAt = decision.Time,
                ExpectedGeneration = delivered.Generation,
            },
        };
    }

    /// <summary>The Event that tells a change resumed from the cluster, once, when the ApiTuning's first pass here starts.</summary>
    public static IReadOnlyList<TuningEvent> Events(TuningState resumed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resumed);
        return resumed.Pending is { Reason: DecisionReasons.ResumedChange } && resumed.History[0].Decision is { } change
            ? [new TuningEvent(now, TuningEvent.Normal, DecisionReasons.ResumedChange, change.Message)]
            : [];
    }

    /// <summary>The values status last saw in force, with the in-process change it records in flight applied.</summary>
    private static KnobValues? InFlight(KnobValues? seen, PendingChange? pending) => pending switch
    {
        { Knob: Knob.ThreadPoolMinThreads } p => (seen ?? new KnobValues()) with { ThreadPoolMinThreads = p.To },
        { Knob: Knob.DbMaxPoolSize } p => (seen ?? new KnobValues()) with { DbMaxPoolSize = p.To },
        _ => seen,
    };

    /// <summary>The in-process knob whose delivered value differs from what status last saw in force, if any.</summary>
    private static (Knob Knob, int From, int To)? Unrecorded(KnobValues? seen, TuningFile delivered)
    {
        foreach (var (knob, inForce, now) in new (Knob, int?, int?)[]
        {
            (Knob.DbMaxPoolSize, seen?.DbMaxPoolSize, delivered.DbMaxPoolSize),
            (Knob.ThreadPoolMinThreads, seen?.ThreadPoolMinThreads, delivered.ThreadPoolMinThreads),
        })
        {
            if (now is { } to && inForce != to)
            {
                // Status never saw a value (no pass recorded one): nothing to compare, so it is only awaited.
                return (knob, inForce ?? to, to);
            }
        }

        return null;
    }

    /// <summary>
    /// The tuning state status records. An in-process change in flight is confirmed by the generation every pod
    /// reports: the one delivered (the tuning ConfigMap's), since the change in flight is the last one delivered. Bars
    /// that expired by <paramref name="now"/> are dropped.
    /// </summary>
    public static TuningState From(ApiTuningStatus? status, long? deliveredGeneration, DateTimeOffset? now = null)
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
            Plan = r.Steps is { Count: > 1 } steps ? [.. steps.Select(s => new PlanStep(s.Knob, s.From, s.To, 0, int.MaxValue))] : [],
            Together = r.Steps is { Count: > 1 },
            RequiresRestart = r.Knob == Knob.PostgresMaxConnections || r.Steps?.Any(s => s.Knob == Knob.PostgresMaxConnections) == true,
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
                Steps = last.Steps is { Count: > 1 } steps ? [.. steps.Select(s => new KnobStep(s.Knob, s.From, s.To))] : [],
            };
        }

        return LearnedState.Resume(new TuningState { History = history, Pending = pending }, status.Learned, now);
    }
}
