using System.Collections.Concurrent;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Reconcile;
using k8s;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// The tuning-session lifecycle of one leadership term: a session per ApiTuning and spec generation, started on an
/// ApiTuning's first pass (resumed from status, joined to its database server's ledger), replaced by a new
/// generation (carrying the state and the window's scrapes over), and dropped when the ApiTuning goes or turns
/// invalid. Every session's reconciler shares the term's ledger book and server locks.
/// </summary>
public sealed partial class TuningSessions(IKubernetes client, ControllerOptions options, KubernetesPortOptions portOptions, OperatorMetrics metrics, ILogger logger)
{
    private readonly ConcurrentDictionary<string, TuningSession> _sessions = new(StringComparer.Ordinal);
    private readonly LedgerBook _ledgers = new();
    private readonly ServerLocks _locks = new();

    // Every session's scrape parser remembers series here: apps built on the same exporter write the same series, so
    // one table serves them all instead of one copy per ApiTuning.
    private readonly SeriesTable _series = new();

    /// <summary>The session of <paramref name="key"/>, if it has one.</summary>
    public TuningSession? Get(string key) => _sessions.GetValueOrDefault(key);

    /// <summary>
    /// The session that runs <paramref name="generation"/> of the ApiTuning. Started is true for an ApiTuning this
    /// term has not tuned before: it collects a window before its first pass.
    /// </summary>
    public async Task<(TuningSession Session, bool Started)> ForAsync(string key, ApiTuningResource resource, long generation, ValidatedSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(spec);
        var previous = Get(key);
        if (previous is not null && previous.Generation == generation)
        {
            return (previous, false);
        }

        var time = options.Time;
        var ports = options.PortFactory(client, resource, portOptions);
        if (previous is not null)
        {
            ports.Status.CarryOver(previous.Status); // a status that timed out is written by the new generation's first pass
        }

        // Before any port reads or changes anything: every object the ApiTuning names must opt in (docs/security.md).
        if (ports.Access is { } access)
        {
            await access.EnsureAllowedAsync(cancellationToken);
        }

        var reconciler = new Reconciler(new TuningTarget(key, spec, ports.Workload, ports.Settings, ports.Postgres, ports.Status, ports.Budget), _ledgers, _locks, time);

        // A new generation keeps the state but tells its recommendations and refusals afresh.
        var resumed = previous is not null
            ? previous.Reconciler.State with { LastReported = null }
            : StatusResume.From(resource.Status, await ports.Settings.ReadAsync(cancellationToken), time.GetUtcNow());
        reconciler.Resume(resumed);
        var fresh = TuningSession.Start(key, generation, spec, reconciler, ports, _series, time, metrics, logger);
        fresh.LastReplicas = previous?.LastReplicas;
        _sessions[key] = fresh;
        if (previous is not null)
        {
            fresh.Seed(previous.Window());
            await previous.DisposeAsync();
            return (fresh, false);
        }

        // A new ApiTuning, or one this operator (or this leader) has not tuned before.
        await JoinLedgerAsync(key, ports, cancellationToken);
        foreach (var resumedEvent in StatusResume.Events(resumed, time.GetUtcNow()))
        {
            await fresh.Status.EventAsync(resumedEvent, cancellationToken);
        }

        return (fresh, true);
    }

    /// <summary>Ends the ApiTuning's session and forgets what it held on its server.</summary>
    public async Task DropAsync(string key)
    {
        _ledgers.Forget(key);
        if (_sessions.TryRemove(key, out var session))
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>Ends every session (the term is over).</summary>
    public async Task DisposeAllAsync()
    {
        foreach (var key in _sessions.Keys.ToList())
        {
            if (_sessions.TryRemove(key, out var session))
            {
                await session.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Makes a starting ApiTuning a member of its database server's ledger, so the others on that server wait for
    /// what it holds (read on its first pass) before they spend the server's connections.
    /// </summary>
    private async Task JoinLedgerAsync(string key, KubernetesPortSet ports, CancellationToken cancellationToken)
    {
        if (ports.Postgres is not { } postgres)
        {
            return;
        }

        try
        {
            _ledgers.Join((await postgres.ReadAsync(cancellationToken)).Server, key);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException and not AccessRefusedException)
        {
            // Its passes say the database is unreadable; until it is read, what it holds cannot be counted.
            LogLedgerJoinFailed(logger, key, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: the database could not be read to join its connection ledger ({Error})")]
    private static partial void LogLedgerJoinFailed(ILogger logger, string key, string error);
}
