using System.Net.Sockets;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Ports;
using Npgsql;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// One ApiTuning's reconcile, the same in a cluster and in local mode: observe (workload, metrics window, delivered
/// tuning, database) -> decide (against the server's ledger, one decision at a time per server) -> apply -> report
/// once. The tuning state it carries between passes is what status keeps, so a restarted operator resumes from it.
/// </summary>
public sealed class Reconciler(TuningTarget target, LedgerBook ledgers, DecisionApplier applier, TimeProvider time)
{
    private string? _lastReported;

    /// <summary>The tuning state after the last pass.</summary>
    public TuningState State { get; private set; } = TuningState.Empty;

    /// <summary>Resumes from a state kept in status.</summary>
    public void Resume(TuningState state) => State = state ?? throw new ArgumentNullException(nameof(state));

    /// <summary>Runs one pass over the scrapes of one window.</summary>
    public async Task<ReconcileOutcome> ReconcileAsync(IReadOnlyList<Scrape> scrapes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scrapes);
        var observation = await ObserveAsync(scrapes, cancellationToken);
        var spec = target.Spec.Spec;
        var effective = EffectiveSpec.For(spec, observation.Workload.CanScale, observation.Database is not null || spec.Postgres is null);

        using var serverLock = observation.Database is { } db ? await ledgers.LockAsync(db.Server, cancellationToken) : null;
        var awaited = observation.Database is { } joined && State.Pending is null ? RecordObserved(joined.Server, observation.Current) : [];
        var input = new DecisionInput
        {
            ApiId = target.ApiId,
            Spec = effective,
            Window = observation.Window,
            Current = observation.Current,
            State = State,
            Ledger = observation.Database is { } database
                ? ledgers.Ledger(database, target.ApiId, spec.Postgres?.ReservedConnections ?? 0)
                : null,
            Now = time.GetUtcNow(),
        };
        var decision = TuningEngine.Decide(input);
        if (decision.IsAction && awaited.Count > 0)
        {
            decision = decision with
            {
                Kind = DecisionKind.Hold,
                Reason = LedgerBook.AwaitingLedger,
                Message = $"{decision.Message}; not applied yet: {string.Join(", ", awaited)} share {observation.Database!.Server} and what they hold is not known until their first pass, so its connections are not spent before",
                Claim = null,
            };
        }
        var result = await applier.ApplyAsync(target, observation, decision, cancellationToken);
        var applied = result.Applied;
        var next = TuningStateTransitions.Next(input, applied || !decision.IsAction ? decision : decision with { Kind = DecisionKind.Hold }, result.ExpectedGeneration);
        State = next;
        if (observation.Database is { } server)
        {
            RecordHolding(server.Server, observation.Current, decision, applied, next);
        }

        await ReportAsync(observation, decision, result, cancellationToken);
        return new ReconcileOutcome(observation, decision, applied, result.Error, next);
    }

    /// <summary>
    /// Before deciding, records what this ApiTuning holds by the settings observed in force (none is in flight), so
    /// an ApiTuning deciding next on the same server counts it; returns the members still awaited.
    /// </summary>
    private IReadOnlyList<string> RecordObserved(string server, Settings current)
    {
        if (current is { Replicas: { } replicas, DbMaxPoolSize: { } pool })
        {
            ledgers.Record(server, new LedgerEntry
            {
                ApiId = target.ApiId,
                Replicas = replicas,
                Surge = Math.Max(0, target.Spec.Spec.Apply.MaxSurge),
                PoolSize = pool,
            });
        }
        else
        {
            ledgers.Settle(server, target.ApiId);
        }

        return ledgers.Awaited(server, target.ApiId);
    }

    /// <summary>
    /// Keeps this ApiTuning's line of the server's ledger: the claim of a change while it is in flight (its
    /// transitional peak stays spent until confirmed), otherwise what the settings in force hold.
    /// </summary>
    private void RecordHolding(string server, Settings current, Decision decision, bool applied, TuningState next)
    {
        if (applied && decision.Claim is { } claim)
        {
            ledgers.Record(server, claim);
        }
        else if (next.Pending is null && current is { Replicas: { } replicas, DbMaxPoolSize: { } pool })
        {
            ledgers.Record(server, new LedgerEntry
            {
                ApiId = target.ApiId,
                Replicas = replicas,
                Surge = Math.Max(0, target.Spec.Spec.Apply.MaxSurge),
                PoolSize = pool,
            });
        }
    }

    private async Task<Observation> ObserveAsync(IReadOnlyList<Scrape> scrapes, CancellationToken cancellationToken)
    {
        var workload = await target.Workload.ReadAsync(cancellationToken);
        var window = scrapes.Count == 0
            ? null
            : WindowBuilder.Build(scrapes, new WindowOptions
            {
                LatencyObjectiveMs = target.Spec.Spec.Objectives.P99LatencyMs,
                ExpectedPods = workload.Pods.Select(p => p.Name).ToList(),
                CoresByPod = workload.Pods.Where(p => p.CpuCores is > 0).ToDictionary(p => p.Name, p => p.CpuCores!.Value),
            });
        var tuning = await target.Settings.ReadAsync(cancellationToken);

        DatabaseState? database = null;
        string? databaseError = null;
        if (target.Postgres is { } postgres)
        {
            try
            {
                database = await postgres.ReadAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
            {
                databaseError = $"PostgreSQL could not be read ({ex.GetType().Name}: {ex.Message}); max_connections and the pool are left as they are";
            }
        }

        var current = new Settings(
            workload.DesiredReplicas,
            tuning?.ThreadPoolMinThreads ?? window?.AppliedMinThreads,
            tuning?.DbMaxPoolSize ?? window?.AppliedPoolSize,
            database?.MaxConnections);
        return new Observation(workload, window, tuning, database, databaseError, current);
    }

    private async Task ReportAsync(Observation observation, Decision decision, ApplyResult result, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var w = observation.Window;
        await target.Status.WriteAsync(new TuningProgress(
            now,
            decision.Bottleneck.ToString(),
            w?.Rps ?? 0,
            w?.P99Ms ?? double.NaN,
            w?.ShareUnderObjective ?? double.NaN,
            w?.PoolWaitP99Ms ?? double.NaN,
            w?.PoolUsage ?? double.NaN,
            w?.PendingRequestsMean ?? double.NaN,
            w?.QueueDepthMean ?? double.NaN,
            w?.CpuUtilization ?? double.NaN,
            observation.Workload.ReadyReplicas,
            Describe(observation),
            decision.IsAction || decision.Kind == DecisionKind.Recommend ? $"{decision.Reason}: {decision.Message}" : $"hold ({decision.Reason}): {decision.Message}")
        {
            Applied = observation.Current,
        }, cancellationToken);

        if (observation.DatabaseError is { } dbError)
        {
            await Event(TuningEvent.Warning, "DatabaseUnreachable", dbError);
        }

        if (observation.Workload.ScaleNote is { } note && target.Spec.Spec.Knobs.Replicas is not null && _lastReported is null)
        {
            await Event(TuningEvent.Normal, "ReplicasRecommendedOnly", note);
        }

        var key = $"{decision.Kind}/{decision.Reason}/{decision.Knob}/{decision.To}";
        if (result.Error is { } error)
        {
            await Event(TuningEvent.Warning, "ApplyFailed", error);
        }
        else if (decision.IsAction)
        {
            await Event(decision.Kind == DecisionKind.Rollback ? TuningEvent.Warning : TuningEvent.Normal, decision.Reason, decision.Message);
        }
        else if (key != _lastReported && (decision.Kind == DecisionKind.Recommend || IsRefusal(decision.Reason)))
        {
            // Recommendations and refusals are told once each, not every window.
            await Event(decision.Kind == DecisionKind.Recommend ? TuningEvent.Normal : TuningEvent.Warning, decision.Reason, decision.Message);
        }

        foreach (var (type, reason, message) in result.Events)
        {
            await Event(type, reason, message);
        }

        _lastReported = key;

        Task Event(string type, string reason, string message) =>
            target.Status.EventAsync(new TuningEvent(now, type, reason, message), cancellationToken);
    }

    private static bool IsRefusal(string reason) => reason is DecisionReasons.BudgetExhausted or DecisionReasons.AtBudgetLimit
        or DecisionReasons.DatabaseSaturated or DecisionReasons.WaitingForMaintenanceWindow or DecisionReasons.NoRemedy
        or DecisionReasons.ChangeNotConfirmed or DecisionReasons.MoveBarred;

    private static string Describe(Observation o) =>
        $"replicas {Show(o.Current.Replicas)} minThreads {Show(o.Current.ThreadPoolMinThreads)} pool {Show(o.Current.DbMaxPoolSize)} maxConnections {Show(o.Current.PostgresMaxConnections)}";

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
