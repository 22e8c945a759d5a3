using Autotune.Contracts;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Ports;
using Npgsql;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// Carries out one decision through the ports. In-process knobs become a new tuning-file generation that every pod
/// must report before the change is judged; replicas go to the workload; max_connections follows the protocol:
/// ALTER SYSTEM, pending_restart, a restart only as the restart policy allows, and SHOW to confirm (the engine
/// lets pools grow only once the value it reads back is the new one).
/// </summary>
public sealed class DecisionApplier(TimeProvider time)
{
    /// <summary>Applies an action decision; anything else is left alone.</summary>
    public async Task<ApplyResult> ApplyAsync(TuningTarget target, Observation observation, Decision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(decision);
        if (!decision.IsAction || target.Spec.Spec.Mode != TuningMode.Auto || decision is not { Knob: { } knob, To: { } to })
        {
            return ApplyResult.Nothing;
        }

        try
        {
            return knob switch
            {
                Knob.Replicas => await ScaleAsync(target, to, cancellationToken),
                Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize => await WriteTuningAsync(target, observation, knob, to, cancellationToken),
                Knob.PostgresMaxConnections => await ChangeMaxConnectionsAsync(target, to, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(decision), knob, "unknown knob"),
            };
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or NpgsqlException or TimeoutException or UnauthorizedAccessException)
        {
            return new ApplyResult(false, null, [], $"{decision.Reason} could not be applied: {ex.Message}");
        }
    }

    private static async Task<ApplyResult> ScaleAsync(TuningTarget target, int replicas, CancellationToken cancellationToken)
    {
        await target.Workload.ScaleAsync(replicas, cancellationToken);
        return new ApplyResult(true, null, [], null);
    }

    private static async Task<ApplyResult> WriteTuningAsync(TuningTarget target, Observation observation, Knob knob, int to, CancellationToken cancellationToken)
    {
        var last = observation.Tuning;
        var threads = knob == Knob.ThreadPoolMinThreads ? to : last?.ThreadPoolMinThreads ?? Managed(target, Knob.ThreadPoolMinThreads, observation.Current.ThreadPoolMinThreads);
        var pool = knob == Knob.DbMaxPoolSize ? to : last?.DbMaxPoolSize ?? Managed(target, Knob.DbMaxPoolSize, observation.Current.DbMaxPoolSize);
        var generation = Math.Max(last?.Generation ?? 0, observation.Window?.AppliedGenerationMin ?? 0) + 1;
        await target.Settings.ApplyAsync(new TuningFile(generation, threads, pool), cancellationToken);
        return new ApplyResult(true, generation, [], null);
    }

    private async Task<ApplyResult> ChangeMaxConnectionsAsync(TuningTarget target, int to, CancellationToken cancellationToken)
    {
        if (target.Postgres is not { } postgres)
        {
            return new ApplyResult(false, null, [], "max_connections cannot be changed: no database admin connection is configured");
        }

        // max_connections takes effect only at a restart. pg_settings.pending_restart turns true only once the server
        // has processed the reload, which pg_reload_conf() merely signals: read straight after, it can still say false
        // on a busy machine. So a restart is needed whenever SHOW does not already report the new value.
        var state = await postgres.SetMaxConnectionsAsync(to, cancellationToken);
        if (state.MaxConnections == to)
        {
            return new ApplyResult(true, null, [], null);
        }

        var policy = target.Spec.Spec.Postgres?.Restart ?? RestartPolicy.Never;
        var windowOpen = target.Spec.MaintenanceWindow?.IsOpen(time.GetUtcNow()) ?? false;
        if (policy == RestartPolicy.Never || (policy == RestartPolicy.Window && !windowOpen))
        {
            var why = policy == RestartPolicy.Never ? "the restart policy is Never" : "the maintenance window is closed";
            return new ApplyResult(true, null,
                [(TuningEvent.Warning, ConditionTypes.PendingRestart, $"max_connections {state.MaxConnections} -> {to} set with ALTER SYSTEM and waits for a restart of {state.Server}: {why}")],
                null);
        }

        await postgres.RestartAsync(cancellationToken);
        var after = await postgres.ReadAsync(cancellationToken);
        var events = after.MaxConnections == to
            ? new List<(string, string, string)> { (TuningEvent.Normal, "RestartedDatabase", $"Restarted {after.Server}; SHOW max_connections confirms {after.MaxConnections}") }
            : [(TuningEvent.Warning, "RestartedDatabase", $"Restarted {after.Server} but SHOW max_connections reads {after.MaxConnections}, not {to}; pools will not grow on it")];
        return new ApplyResult(true, null, events, null);
    }

    private static int? Managed(TuningTarget target, Knob knob, int? current)
    {
        var knobs = target.Spec.Spec.Knobs;
        var managed = knob == Knob.ThreadPoolMinThreads ? knobs.ThreadPoolMinThreads is not null : knobs.DbMaxPoolSize is not null;
        return managed ? current : null;
    }
}
