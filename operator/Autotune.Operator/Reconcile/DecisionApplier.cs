using Autotune.Engine.Decisions.Pass;
using Npgsql;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// Carries out a pass's <see cref="ApplyOrder"/> through the ports and reports what happened as facts: replicas to
/// the workload, a tuning file to the pods, and max_connections by the protocol (ALTER SYSTEM; when SHOW does not
/// read the new value, a restart only if the order allows one, and SHOW again to confirm). It decides nothing.
/// </summary>
public static class DecisionApplier
{
    /// <summary>Carries out <paramref name="order"/>; null orders nothing.</summary>
    public static async Task<ApplyReport> ApplyAsync(TuningTarget target, ApplyOrder? order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        try
        {
            switch (order)
            {
                case null:
                    return ApplyReport.Nothing;
                case ApplyOrder.Scale scale:
                    await target.Workload.ScaleAsync(scale.Replicas, cancellationToken);
                    return ApplyReport.Done;
                case ApplyOrder.DeliverTuning deliver:
                    await target.Settings.ApplyAsync(deliver.File, cancellationToken);
                    return ApplyReport.Done;
                case ApplyOrder.SetMaxConnections set:
                    return await SetMaxConnectionsAsync(target, set, cancellationToken);
                case ApplyOrder.InTurn inTurn:
                    return await InTurnAsync(target, inTurn, cancellationToken);
                default:
                    throw new ArgumentOutOfRangeException(nameof(order), order, "unknown order");
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or NpgsqlException or TimeoutException or UnauthorizedAccessException)
        {
            return ApplyReport.Failed(FailureText.Of(ex));
        }
    }

    /// <summary>Each order in turn; what follows max_connections is carried out only once SHOW reads the new value.</summary>
    private static async Task<ApplyReport> InTurnAsync(TuningTarget target, ApplyOrder.InTurn order, CancellationToken cancellationToken)
    {
        MaxConnectionsResult? maxConnections = null;
        for (var carried = 0; carried < order.Orders.Count; carried++)
        {
            var next = order.Orders[carried];
            var report = await ApplyAsync(target, next, cancellationToken);
            maxConnections = report.MaxConnections ?? maxConnections;
            if (report.Error is not null)
            {
                return report with { MaxConnections = maxConnections, Carried = carried };
            }

            if (next is ApplyOrder.SetMaxConnections set && report.MaxConnections is { } mc && mc.ReadBack != set.To)
            {
                return ApplyReport.Failed($"SHOW max_connections reads {mc.ReadBack}, not {set.To}, so the settings that need it were not delivered") with { MaxConnections = mc, Carried = carried };
            }
        }

        return ApplyReport.Done with { MaxConnections = maxConnections };
    }

    private static async Task<ApplyReport> SetMaxConnectionsAsync(TuningTarget target, ApplyOrder.SetMaxConnections order, CancellationToken cancellationToken)
    {
        if (target.Postgres is not { } postgres)
        {
            return ApplyReport.Failed("max_connections cannot be changed: no database admin connection is configured");
        }

        // pg_settings.pending_restart turns true only once the server has processed the reload, which pg_reload_conf()
        // merely signals: read straight after, it can still say false on a busy machine. So a restart is needed
        // whenever SHOW does not already report the new value.
        var state = await postgres.SetMaxConnectionsAsync(order.To, cancellationToken);
        if (state.MaxConnections == order.To || !order.RestartAllowed)
        {
            return ApplyReport.Done with { MaxConnections = new MaxConnectionsResult(state.Server, state.MaxConnections, order.To, false, state.MaxConnections) };
        }

        await postgres.RestartAsync(cancellationToken);
        var after = await postgres.ReadAsync(cancellationToken);
        return ApplyReport.Done with { MaxConnections = new MaxConnectionsResult(after.Server, state.MaxConnections, order.To, true, after.MaxConnections) };
    }
}
