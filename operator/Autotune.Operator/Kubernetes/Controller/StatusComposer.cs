using Autotune.Engine.Decisions;
using Autotune.Engine.Model;
using Autotune.Engine.Spec;
using Autotune.Engine.Validation;
using Autotune.Operator.Reconcile;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// Builds an ApiTuning's status from one reconcile's outcome (pure: the previous status, the outcome and the time
/// in, the new status out). Conditions keep their lastTransitionTime while their status stays the same, so an
/// unchanged pass composes an equal status and nothing is written.
/// </summary>
public static class StatusComposer
{
    /// <summary>The status after a reconcile pass.</summary>
    public static ApiTuningStatus FromOutcome(ApiTuningStatus? previous, long generation, ReconcileOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var decision = outcome.Decision;
        var observation = outcome.Observation;
        var window = observation.Window;
        var conditions = new ConditionSet(previous?.Conditions, generation, now);
        conditions.Set(ConditionTypes.Ready, true, ConditionReasons.Reconciled, outcome.ApplyError ?? $"{decision.Kind} ({decision.Reason}): {decision.Message}");
        conditions.Set(ConditionTypes.InvalidSpec, false, ConditionReasons.SpecValid, "The spec is valid");
        conditions.Set(
            ConditionTypes.MetricsAvailable,
            window is { IsSufficient: true },
            window is null ? ConditionReasons.NoMetrics : window.IsSufficient ? ConditionReasons.WindowObserved : decision.Reason,
            window is null
                ? "No scrape of the target's pods answered in the last window; every setting is held"
                : window.IsSufficient
                    ? $"{window.Scrapes} scrapes of {window.Pods} pods over {(window.End - window.Start).TotalSeconds:F0}s"
                    : window.InsufficientReason ?? decision.Message);
        conditions.Set(
            ConditionTypes.Tuning,
            outcome.State.Pending is not null,
            outcome.State.Pending?.Reason ?? ConditionReasons.Idle,
            outcome.State.Pending is { } pending
                ? $"{pending.Knob} {pending.From} -> {pending.To} applied{(pending.ExpectedGeneration is { } g ? $" as tuning generation {g}" : string.Empty)}, awaiting confirmation and judgement"
                : "No change in flight");
        var exhausted = decision.Reason is DecisionReasons.BudgetExhausted or DecisionReasons.AtBudgetLimit;
        conditions.Set(ConditionTypes.BudgetExhausted, exhausted, exhausted ? decision.Reason : ConditionReasons.WithinBudget, exhausted ? decision.Message : "Within the knob and connection budgets");
        var pendingRestart = observation.Database is { PendingRestart: true } db
            ? $"max_connections {db.MaxConnections} -> {db.PendingMaxConnections?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} is set and waits for a restart of {db.Server}"
            : null;
        conditions.Set(ConditionTypes.PendingRestart, pendingRestart is not null, pendingRestart is null ? ConditionReasons.NoRestartPending : ConditionReasons.RestartPending, pendingRestart ?? "No setting waits for a database restart");
        var elsewhere = !observation.Workload.CanScale && observation.Workload.ScaleNote is not null;
        conditions.Set(ConditionReasons.ReplicasManagedElsewhere, elsewhere, elsewhere ? ConditionReasons.AutoscalerOwnsReplicas : ConditionReasons.ReplicasTuned, observation.Workload.ScaleNote ?? "Replicas are tuned by this ApiTuning when its spec manages them");

        var record = decision.IsAction || decision.Kind == DecisionKind.Recommend ? Record(decision) : null;
        var history = record is null ? previous?.History ?? [] : new[] { record }.Concat(previous?.History ?? []).Take(ApiTuningStatus.HistoryLimit).ToList();
        var current = observation.Current;
        return new ApiTuningStatus
        {
            ObservedGeneration = generation,
            Conditions = conditions.Items,
            Bottleneck = decision.Bottleneck,
            Observed = window is null ? previous?.Observed : new ObservedStatus
            {
                WindowEnd = window.End,
                Pods = window.Pods,
                Rps = Finite(window.Rps),
                P99Ms = Finite(window.P99Ms),
                ShareUnderObjective = Finite(window.ShareUnderObjective),
                ErrorRate = Finite(window.ErrorRate),
                PoolWaitP99Ms = Finite(window.PoolWaitP99Ms),
                QueueDepth = Finite(window.QueueDepthMean),
                CpuUtilization = Finite(window.CpuUtilization),
                DbConnections = observation.Database?.Connections,
            },
            Current = After(current, decision, outcome.Applied),
            Recommended = decision.Kind == DecisionKind.Recommend && decision.Knob is { } knob && decision.To is { } to
                ? With(previous?.Recommended ?? new KnobValues(), knob, to)
                : previous?.Recommended,
            LastDecision = record ?? previous?.LastDecision,
            History = history,
        };
    }

    /// <summary>The status of an ApiTuning whose spec breaks a rule: InvalidSpec naming each field, Ready=False, nothing else touched.</summary>
    public static ApiTuningStatus Invalid(ApiTuningStatus? previous, long generation, IReadOnlyList<ValidationProblem> problems, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var message = string.Join("; ", problems.Select(p => p.ToString()));
        var conditions = new ConditionSet(previous?.Conditions, generation, now);
        conditions.Set(ConditionTypes.InvalidSpec, true, ConditionReasons.InvalidSpec, message);
        conditions.Set(ConditionTypes.Ready, false, ConditionReasons.InvalidSpec, "Nothing is changed until the spec is fixed: " + message);
        return (previous ?? new ApiTuningStatus()) with { ObservedGeneration = generation, Conditions = conditions.Items };
    }

    /// <summary>The status of an ApiTuning whose reconcile failed before a decision (Ready=False with the error).</summary>
    public static ApiTuningStatus Failed(ApiTuningStatus? previous, long generation, string error, DateTimeOffset now)
    {
        var conditions = new ConditionSet(previous?.Conditions, generation, now);
        conditions.Set(ConditionTypes.Ready, false, ConditionReasons.ReconcileFailed, error);
        return (previous ?? new ApiTuningStatus()) with { ObservedGeneration = generation, Conditions = conditions.Items };
    }

    /// <summary>True when two statuses say the same (so the second need not be written).</summary>
    public static bool Same(ApiTuningStatus? a, ApiTuningStatus? b) =>
        a is not null && b is not null
            ? k8s.KubernetesJson.Serialize(a) == k8s.KubernetesJson.Serialize(b)
            : a is null && b is null;

    private static DecisionRecord Record(Decision d) => new()
    {
        Time = d.Time,
        Kind = d.Kind,
        Knob = d.Knob,
        From = d.From,
        To = d.To,
        Bottleneck = d.Bottleneck,
        Reason = d.Reason,
        Message = d.Message.Length > 1024 ? d.Message[..1024] : d.Message,
    };

    private static KnobValues After(Settings current, Decision decision, bool applied)
    {
        var values = new KnobValues
        {
            Replicas = current.Replicas,
            ThreadPoolMinThreads = current.ThreadPoolMinThreads,
            DbMaxPoolSize = current.DbMaxPoolSize,
            PostgresMaxConnections = current.PostgresMaxConnections,
        };
        return applied && decision is { Knob: { } knob, To: { } to } && knob != Knob.PostgresMaxConnections ? With(values, knob, to) : values;
    }

    private static KnobValues With(KnobValues values, Knob knob, int to) => knob switch
    {
        Knob.Replicas => values with { Replicas = to },
        Knob.ThreadPoolMinThreads => values with { ThreadPoolMinThreads = to },
        Knob.DbMaxPoolSize => values with { DbMaxPoolSize = to },
        Knob.PostgresMaxConnections => values with { PostgresMaxConnections = to },
        _ => values,
    };

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 3) : null;

    private sealed class ConditionSet(IReadOnlyList<StatusCondition>? previous, long generation, DateTimeOffset now)
    {
        private readonly List<StatusCondition> _items = previous?.ToList() ?? [];

        public IReadOnlyList<StatusCondition> Items => _items;

        public void Set(string type, bool status, string reason, string message)
        {
            var value = status ? ConditionStatus.True : ConditionStatus.False;
            var index = _items.FindIndex(c => c.Type == type);
            var old = index >= 0 ? _items[index] : null;
            var condition = new StatusCondition
            {
                Type = type,
                Status = value,
                ObservedGeneration = generation,
                LastTransitionTime = old is not null && old.Status == value ? old.LastTransitionTime : now,
                Reason = reason,
                Message = message.Length > 32_768 ? message[..32_768] : message,
            };
            if (index >= 0)
            {
                _items[index] = condition;
            }
            else
            {
                _items.Add(condition);
            }
        }
    }
}
