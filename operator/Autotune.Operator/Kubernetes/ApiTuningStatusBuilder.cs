using System.Globalization;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Operator.Kubernetes;

/// <summary>
/// Turns one reconcile's outcome into the ApiTuning's status: the standard conditions (a condition keeps its
/// lastTransitionTime while its status stays the same), observedGeneration, the window's headline numbers, the
/// settings in force and advised, the last decision and a bounded history, newest first.
/// </summary>
public static class ApiTuningStatusBuilder
{
    /// <summary>The status after a pass over <paramref name="resource"/> that ended in <paramref name="outcome"/>.</summary>
    public static ApiTuningStatus FromOutcome(ApiTuningResource resource, PassOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(outcome);
        var previous = resource.Status;
        var generation = resource.Metadata.Generation;
        var spec = resource.Spec;
        var decision = outcome.Decision;
        var window = outcome.Window;
        var input = outcome.Input;

        var conditions = new List<StatusCondition>
        {
            Condition(ConditionTypes.Ready, ConditionStatus.True, spec.Mode switch
            {
                TuningMode.Recommend => ConditionReasons.Recommending,
                TuningMode.Paused => ConditionReasons.Paused,
                _ => ConditionReasons.Tuning,
            }, spec.Mode switch
            {
                TuningMode.Recommend => $"Deployment {spec.TargetRef.Name} is observed; changes are advised in status.recommended, not made",
                TuningMode.Paused => $"Deployment {spec.TargetRef.Name} is observed; tuning is paused",
                _ => $"Deployment {spec.TargetRef.Name} is observed and tuned",
            }),
            window is { IsSufficient: true }
                ? Condition(ConditionTypes.MetricsAvailable, ConditionStatus.True, ConditionReasons.WindowComplete,
                    Invariant($"{window.Pods} pods, {window.Scrapes} scrapes, {window.Requests:0} requests in the last window"))
                : Condition(ConditionTypes.MetricsAvailable, ConditionStatus.False, window is null ? DecisionReasons.NoData : Reasonable(decision.Reason, ConditionReasons.InsufficientData),
                    window?.InsufficientReason ?? (input.Pods.Count == 0 ? "no ready pod to scrape" : "no pod answered a scrape in the last window")),
            outcome.State.Pending is { } pending
                ? Condition(ConditionTypes.Tuning, ConditionStatus.True, ConditionReasons.ChangeInFlight,
                    Invariant($"{(pending.Together ? string.Join(", ", pending.Moves.Select(m => $"{m.Knob} {m.From} -> {m.To}")) : $"{pending.Knob} {pending.From} -> {pending.To}")} ({pending.Reason}) is applied and waits to be confirmed and judged"))
                : Condition(ConditionTypes.Tuning, ConditionStatus.False, ConditionReasons.Idle, "no change is in flight"),
            decision.Reason is DecisionReasons.BudgetExhausted or DecisionReasons.AtBudgetLimit
                ? Condition(ConditionTypes.BudgetExhausted, ConditionStatus.True, decision.Reason, decision.Message)
                : Condition(ConditionTypes.BudgetExhausted, ConditionStatus.False, ConditionReasons.WithinBudget, "the knob and connection budgets allow the next step"),
            Condition(ConditionTypes.InvalidSpec, ConditionStatus.False, ConditionReasons.SpecValid, "the spec is valid"),
            input.CanScale
                ? Condition(ConditionTypes.ReplicasManagedElsewhere, ConditionStatus.False, ConditionReasons.ReplicasTunable, $"no HorizontalPodAutoscaler or ScaledObject owns the replicas of Deployment {spec.TargetRef.Name}")
                : Condition(ConditionTypes.ReplicasManagedElsewhere, ConditionStatus.True, ConditionReasons.ReplicasManagedElsewhere, input.ScaleNote ?? "replicas are managed elsewhere"),
        };
        if (spec.Postgres is not null)
        {
            var database = input.Database;
            var advised = NeverRestartedRaise(spec, Record(decision, outcome.Applied) ?? previous?.LastDecision, database);
            conditions.Add(database switch
            {
                { PendingRestart: true } db => Condition(ConditionTypes.PendingRestart, ConditionStatus.True, ConditionReasons.RestartRequired,
                    Invariant($"max_connections {db.MaxConnections} -> {db.PendingMaxConnections?.ToString(CultureInfo.InvariantCulture) ?? "?"} is set and waits for a restart of {db.Server} (restart policy {spec.Postgres.Restart})")),
                { } db when advised is { To: { } advisedTo } => Condition(ConditionTypes.PendingRestart, ConditionStatus.True, ConditionReasons.RestartPolicyNever,
                    Invariant($"max_connections {db.MaxConnections} -> {advisedTo} is needed before the pool can grow and takes a restart of {db.Server}; the restart policy is Never, so nothing was set or restarted: ALTER SYSTEM SET max_connections = {advisedTo} and restart the server")),
                null => Condition(ConditionTypes.PendingRestart, ConditionStatus.Unknown, ConditionReasons.DatabaseUnreadable, input.DatabaseError ?? "the database could not be read"),
                _ => Condition(ConditionTypes.PendingRestart, ConditionStatus.False, ConditionReasons.NoRestartPending, "no setting waits for a database restart"),
            });
        }

        var record = Record(decision, outcome.Applied);
        var last = previous?.LastDecision;
        var fresh = record is not null && !SameDecision(record, last) ? record with { Time = now } : null;
        var resumed = Resumed(outcome.State, previous);
        var history = resumed is not null ? [resumed, .. previous?.History ?? []] : previous?.History ?? [];
        var current = outcome.Current;
        return new ApiTuningStatus
        {
            ObservedGeneration = generation,
            Conditions = MergeTransitions(conditions, previous?.Conditions, generation, now),
            Bottleneck = decision.Bottleneck,
            Observed = window is null ? previous?.Observed : Observed(window),
            Current = new KnobValues
            {
                Replicas = current.Replicas,
                ThreadPoolMinThreads = current.ThreadPoolMinThreads,
                DbMaxPoolSize = current.DbMaxPoolSize,
                PostgresMaxConnections = current.PostgresMaxConnections,
            },
            Recommended = decision is { Kind: DecisionKind.Recommend, Knob: { } knob, To: { } to }
                ? With(spec.Mode == TuningMode.Auto ? null : previous?.Recommended, knob, to)
                : spec.Mode == TuningMode.Auto ? Keep(previous?.Recommended, spec) : previous?.Recommended,
            LastDecision = fresh ?? resumed ?? last,
            History = fresh is not null ? [fresh, .. history.Take(ApiTuningStatus.HistoryLimit - 1)] : [.. history.Take(ApiTuningStatus.HistoryLimit)],
            Learned = LearnedState.ToStatus(outcome.State) ?? previous?.Learned,
        };
    }

    /// <summary>The status of an ApiTuning whose spec breaks a rule the schema cannot state: InvalidSpec names the field.</summary>
    public static ApiTuningStatus InvalidSpec(ApiTuningResource resource, string message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var previous = resource.Status;
        var generation = resource.Metadata.Generation;
        var conditions = new List<StatusCondition>
        {
            Condition(ConditionTypes.Ready, ConditionStatus.False, ConditionReasons.InvalidSpec, "the spec is invalid; nothing is tuned until it is fixed"),
            Condition(ConditionTypes.InvalidSpec, ConditionStatus.True, ConditionReasons.InvalidSpec, message),
            Condition(ConditionTypes.Tuning, ConditionStatus.False, ConditionReasons.Idle, "no change is in flight"),
        };
        return (previous ?? new ApiTuningStatus()) with
        {
            ObservedGeneration = generation,
            Conditions = MergeTransitions(conditions, previous?.Conditions, generation, now),
        };
    }

    /// <summary>The status of an ApiTuning that could not be reconciled (target missing, API errors): Ready is False with why.</summary>
    public static ApiTuningStatus NotReady(ApiTuningResource resource, string reason, string message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var previous = resource.Status;
        var generation = resource.Metadata.Generation;
        return (previous ?? new ApiTuningStatus()) with
        {
            ObservedGeneration = generation,
            Conditions = MergeTransitions([Condition(ConditionTypes.Ready, ConditionStatus.False, reason, message)], previous?.Conditions, generation, now),
        };
    }

    /// <summary>
    /// Gives each condition its lastTransitionTime: kept from the previous status while the condition's status is
    /// unchanged, now otherwise. Previous conditions of types not in <paramref name="conditions"/> are kept as they were.
    /// </summary>
    public static IReadOnlyList<StatusCondition> MergeTransitions(IReadOnlyList<StatusCondition> conditions, IReadOnlyList<StatusCondition>? previous, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var merged = new List<StatusCondition>();
        foreach (var condition in conditions)
        {
            var before = previous?.FirstOrDefault(p => p.Type == condition.Type);
            merged.Add(condition with
            {
                ObservedGeneration = generation,
                LastTransitionTime = before is not null && before.Status == condition.Status ? before.LastTransitionTime : TruncateToSeconds(now),
                Message = condition.Message.Length <= 32_768 ? condition.Message : condition.Message[..32_768],
            });
        }

        merged.AddRange((previous ?? []).Where(p => conditions.All(c => c.Type != p.Type)));
        return merged;
    }

    private static StatusCondition Condition(string type, ConditionStatus status, string reason, string message) =>
        new() { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = default };

    private static DecisionRecord? Record(Decision decision, bool applied) =>
        (decision.IsAction && applied) || decision.Kind == DecisionKind.Recommend
            ? new DecisionRecord
            {
                Time = decision.Time,
                Kind = decision.Kind,
                Knob = decision.Knob,
                From = decision.From,
                To = decision.To,
                Steps = decision.Together && decision.Plan.Count > 1
                    ? [.. decision.Plan.Select(s => new DecisionStepRecord { Knob = s.Knob, From = s.From, To = s.To })]
                    : null,
                Bottleneck = decision.Bottleneck,
                Reason = decision.Reason,
                Message = decision.Message.Length <= 1024 ? decision.Message : decision.Message[..1021] + "...",
            }
            : null;

    /// <summary>A change resumed from the cluster that status has not recorded yet (see <see cref="StatusResume"/>).</summary>
    private static DecisionRecord? Resumed(TuningState state, ApiTuningStatus? previous) =>
        state.History.Select(h => h.Decision).FirstOrDefault(d => d.Reason == DecisionReasons.ResumedChange) is { } resumed
            && previous?.History.Any(h => h.Reason == resumed.Reason && h.Knob == resumed.Knob && h.To == resumed.To && h.Time == resumed.Time) != true
            ? Record(resumed, applied: true)
            : null;

    private static bool SameDecision(DecisionRecord record, DecisionRecord? last) =>
        last is not null && record.Kind == DecisionKind.Recommend && last.Kind == record.Kind && last.Knob == record.Knob && last.To == record.To && last.Reason == record.Reason;

    private static KnobValues With(KnobValues? values, Knob knob, int to)
    {
        var v = values ?? new KnobValues();
        return knob switch
        {
            Knob.Replicas => v with { Replicas = to },
            Knob.ThreadPoolMinThreads => v with { ThreadPoolMinThreads = to },
            Knob.DbMaxPoolSize => v with { DbMaxPoolSize = to },
            _ => v with { PostgresMaxConnections = to },
        };
    }

    /// <summary>In Auto mode only knobs in Recommend keep an advised value.</summary>
    private static KnobValues? Keep(KnobValues? recommended, ApiTuningSpec spec)
    {
        if (recommended is null)
        {
            return null;
        }

        var k = spec.Knobs;
        var kept = new KnobValues
        {
            Replicas = k.Replicas?.Mode == KnobMode.Recommend ? recommended.Replicas : null,
            ThreadPoolMinThreads = k.ThreadPoolMinThreads?.Mode == KnobMode.Recommend ? recommended.ThreadPoolMinThreads : null,
            DbMaxPoolSize = k.DbMaxPoolSize?.Mode == KnobMode.Recommend ? recommended.DbMaxPoolSize : null,
            PostgresMaxConnections = k.PostgresMaxConnections?.Mode == KnobMode.Recommend ? recommended.PostgresMaxConnections : null,
        };
        return kept == new KnobValues() ? null : kept;
    }

    private static ObservedStatus Observed(ObservedWindow w) => new()
    {
        WindowEnd = TruncateToSeconds(w.End),
        Pods = w.Pods,
        Rps = Round(w.Rps, 2),
        P99Ms = Round(w.P99Ms, 1),
        ShareUnderObjective = Clamp01(Round(w.ShareUnderObjective, 4)),
        ErrorRate = Clamp01(Round(w.ErrorRate, 4)),
        PoolWaitP99Ms = Round(w.PoolWaitP99Ms, 1),
        QueueDepth = Round(w.QueueDepthMean, 2),
        CpuUtilization = Round(w.CpuUtilization, 3),
        DbConnections = double.IsFinite(w.PhysicalConnections) ? (int)Math.Round(w.PhysicalConnections) : null,
    };

    private static double? Round(double value, int digits) => double.IsFinite(value) ? Math.Max(0, Math.Round(value, digits)) : null;

    private static double? Clamp01(double? value) => value is { } v ? Math.Clamp(v, 0, 1) : null;

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), t.Offset);

    private static string Reasonable(string reason, string fallback) => reason.Length > 0 && char.IsUpper(reason[0]) ? reason : fallback;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The max_connections raise the engine advises instead of making because the restart policy is Never (it never
    /// writes a change nobody will restart for), while the server still runs less: the restart it waits for is the
    /// user's, and PendingRestart says so with the numbers.
    /// </summary>
    private static DecisionRecord? NeverRestartedRaise(ApiTuningSpec spec, DecisionRecord? decision, DatabaseState? database) =>
        spec.Postgres?.Restart == RestartPolicy.Never
        && decision is { Kind: DecisionKind.Recommend, Knob: Knob.PostgresMaxConnections, To: { } to }
        && database is { } db && db.MaxConnections < to
            ? decision
            : null;
}
