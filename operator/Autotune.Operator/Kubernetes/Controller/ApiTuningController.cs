using System.Collections.Concurrent;
using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Kubernetes.Machinery;
using Autotune.Operator.Reconcile;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// The cluster controller for one leadership term: watches ApiTunings and their target Deployments, queues the
/// ApiTunings that need a pass, and runs each pass through the same <see cref="Reconciler"/> as local mode, then
/// writes status once when it changed. Every ApiTuning is reconciled again once per metrics window; a failed pass
/// comes back after a backoff that doubles with each failure.
/// </summary>
public sealed partial class ApiTuningController
{
    private readonly IKubernetes _client;
    private readonly ControllerOptions _options;
    private readonly OperatorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WorkQueue _queue;
    private readonly LedgerBook _ledgers = new();
    private readonly ServerLocks _locks = new();
    private int _statusWrites;
    private readonly ConcurrentDictionary<string, TuningSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KubernetesStatusWriter> _failureWriters = new(StringComparer.Ordinal);
    private readonly List<ResourceWatcher<ApiTuningResource>> _tunings = [];
    private readonly List<ResourceWatcher<V1Deployment>> _deployments = [];
    private readonly WorkloadInformers _informers;
    private readonly KubernetesPortOptions _portOptions;

    // Every session's scrape parser remembers series here: apps built on the same exporter write the same series, so
    // one table serves them all instead of one copy per ApiTuning.
    private readonly SeriesTable _series = new();

    /// <summary>Creates the controller; <see cref="RunAsync"/> starts it.</summary>
    public ApiTuningController(IKubernetes client, ControllerOptions options, OperatorMetrics metrics, ILogger logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = options.Time;
        _queue = new WorkQueue(_time, options.FailureBackoffBase, options.FailureBackoffMax);
        IReadOnlyList<string?> namespaces = options.Namespaces.Count == 0 ? [null] : options.Namespaces.Cast<string?>().ToList();
        foreach (var ns in namespaces)
        {
            var tunings = new ResourceWatcher<ApiTuningResource>(ApiTuningWatchSource.Create(client, ns, options.WatchTimeout), new Backoff(options.WatchBackoffInitial, options.WatchBackoffMax), logger, _time);
            tunings.Changed += OnTuningChanged;
            tunings.Listed += () => _metrics.WatchRestarts.WithLabels(ApiTuningResource.Plural).Inc();
            _tunings.Add(tunings);
            var deployments = new ResourceWatcher<V1Deployment>(WatchSources.Deployments(client, ns, options.WatchTimeout), new Backoff(options.WatchBackoffInitial, options.WatchBackoffMax), logger, _time);
            deployments.Changed += OnDeploymentChanged;
            deployments.Listed += () => _metrics.WatchRestarts.WithLabels("deployments").Inc();
            _deployments.Add(deployments);
        }

        // Pods, HPAs and ScaledObjects for the ports, in the same namespaces: read from watches, not listed per pass.
        _informers = new WorkloadInformers(client, namespaces, _deployments, options, metrics, logger);
        _portOptions = options.Ports with { Cache = _informers };
    }

    /// <summary>Raised after every pass: the key and its <see cref="ReconcileResult"/>.</summary>
    public event Action<string, string>? Reconciled;

    /// <summary>Raised after every pass with its duration (the reconcile duration histogram's observation, excluding scrapes).</summary>
    public event Action<string, string, TimeSpan>? Timed;

    /// <summary>True once every watcher has listed its collection.</summary>
    public bool Synced => _tunings.All(w => w.Synced.IsCompleted) && _deployments.All(w => w.Synced.IsCompleted) && _informers.Synced;

    /// <summary>The watch-backed cache of pods, HPAs and ScaledObjects the ports read.</summary>
    public WorkloadInformers Informers => _informers;

    /// <summary>The ApiTuning watchers (one per namespace, or one for all).</summary>
    public IReadOnlyList<ResourceWatcher<ApiTuningResource>> TuningWatchers => _tunings;

    /// <summary>The work queue.</summary>
    public WorkQueue Queue => _queue;

    /// <summary>How many status writes were made.</summary>
    public int StatusWrites => Volatile.Read(ref _statusWrites);

    /// <summary>
    /// Watches and reconciles until cancelled. On cancellation no new pass starts; a pass in flight finishes, or is
    /// abandoned after <see cref="ControllerOptions.ShutdownGrace"/> (a change is applied before status records it,
    /// so an abandoned pass is resumed from what the cluster shows, never repeated).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var grace = new CancellationTokenSource();
        await using var stopping = cancellationToken.Register(() =>
        {
            _queue.ShutDown();
            grace.CancelAfter(_options.ShutdownGrace);
        });
        var watches = _tunings.Select(w => w.RunAsync(cancellationToken)).Concat(_deployments.Select(w => w.RunAsync(cancellationToken)))
            .Append(_informers.RunAsync(cancellationToken)).ToList();
        var workers = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => WorkerAsync(grace.Token)).ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            await Task.WhenAll(watches);
            foreach (var key in _sessions.Keys.ToList())
            {
                if (_sessions.TryRemove(key, out var session))
                {
                    await session.DisposeAsync();
                }
            }

            _queue.Dispose();
        }
    }

    private async Task WorkerAsync(CancellationToken passToken)
    {
        while (true)
        {
            string? key;
            try
            {
                key = await _queue.TakeAsync(passToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (key is null)
            {
                return;
            }

            try
            {
                await ProcessAsync(key, passToken);
            }
            finally
            {
                _queue.Done(key);
                _metrics.QueueDepth.Set(_queue.Count);
            }
        }
    }

    private async Task ProcessAsync(string key, CancellationToken cancellationToken)
    {
        var resource = Find(key);
        if (resource is null)
        {
            await DropAsync(key);
            Finish(key, ReconcileResult.Deleted, 0);
            return;
        }

        var generation = resource.Metadata.Generation ?? 0;
        using var scope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["Namespace"] = resource.Metadata.NamespaceProperty,
            ["Name"] = resource.Metadata.Name,
            ["Generation"] = generation,
        });
        var started = _time.GetTimestamp();
        string result;
        try
        {
            result = await ReconcileAsync(key, resource, generation, cancellationToken);
            if (result == ReconcileResult.ApplyFailed)
            {
                LogRetry(_logger, key, result, _queue.AddRateLimited(key).TotalMilliseconds);
            }
            else
            {
                _queue.Forget(key);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogAbandoned(_logger, key);
            return;
        }
        catch (Exception ex)
        {
            result = ReconcileResult.Error;
            var delay = _queue.AddRateLimited(key);
            LogFailed(_logger, ex, key, delay.TotalMilliseconds);
            await TryReportFailureAsync(key, resource, ex, cancellationToken);
        }

        Finish(key, result, _time.GetElapsedTime(started).TotalSeconds);
    }

    private void Finish(string key, string result, double seconds)
    {
        _metrics.Reconciles.WithLabels(result).Inc();
        if (result is not ReconcileResult.Deleted and not ReconcileResult.Started)
        {
            _metrics.ReconcileDuration.Observe(seconds);
        }

        Reconciled?.Invoke(key, result);
        Timed?.Invoke(key, result, TimeSpan.FromSeconds(seconds));
    }

    private async Task<string> ReconcileAsync(string key, ApiTuningResource resource, long generation, CancellationToken cancellationToken)
    {
        var validation = SpecValidator.Validate(resource.Spec);
        var previous = _sessions.GetValueOrDefault(key);
        if (!validation.IsValid || validation.Spec is not { } spec)
        {
            var writer = previous?.Status ?? new KubernetesStatusWriter(_client, resource, _portOptions);
            await DropAsync(key);
            writer.Observe(resource);
            var message = string.Join("; ", validation.Problems.Select(p => p.ToString()));
            await WriteStatusAsync(writer, ApiTuningStatusBuilder.InvalidSpec(resource, message, _time.GetUtcNow()), cancellationToken);
            LogInvalid(_logger, key, message);
            return ReconcileResult.InvalidSpec;
        }

        var session = previous;
        IReadOnlyList<Engine.Metrics.Windows.Scrape> scrapes;
        if (session is null || session.Generation != generation)
        {
            var ports = _options.PortFactory(_client, resource, _portOptions);
            var reconciler = new Reconciler(
                new TuningTarget(key, spec, ports.Workload, ports.Settings, ports.Postgres, ports.Status),
                _ledgers, _locks, _time);

            // A new generation keeps the state but tells its recommendations and refusals afresh.
            var resumed = session is not null
                ? session.Reconciler.State with { LastReported = null }
                : StatusResume.From(resource.Status, await ports.Settings.ReadAsync(cancellationToken), _time.GetUtcNow());
            reconciler.Resume(resumed);
            scrapes = session?.Window() ?? [];
            var fresh = TuningSession.Start(key, generation, spec, reconciler, ports, _series, _time, _metrics, _logger);
            fresh.LastReplicas = session?.LastReplicas;
            _sessions[key] = fresh;
            _failureWriters.TryRemove(key, out _);
            if (session is not null)
            {
                fresh.Seed(scrapes);
                await session.DisposeAsync();
            }
            else
            {
                // A new ApiTuning, or one this operator (or this leader) has not tuned before: collect a window first.
                await JoinLedgerAsync(key, ports, cancellationToken);
                foreach (var resumedEvent in StatusResume.Events(resumed, _time.GetUtcNow()))
                {
                    await fresh.Status.EventAsync(resumedEvent, cancellationToken);
                }

                _queue.AddAfter(key, spec.Window);
                LogStarted(_logger, key, spec.Window.TotalSeconds);
                return ReconcileResult.Started;
            }

            session = fresh;
        }
        else
        {
            scrapes = session.Window();
        }

        // The writer's copy is what this operator's own last status write (or its re-read after a 409) returned; the
        // watch's copy can be older (a watch down, or not yet caught up), and status built on it would drop what the
        // newer one records (a change in history and lastDecision). A session runs one generation, so nothing newer
        // that status depends on can come from the watch; a write by anyone else is met by the 409 re-read.
        if (session.Status.Resource.Metadata.Generation != resource.Metadata.Generation)
        {
            session.Status.Observe(resource);
        }

        // The pass reports itself through the session's status writer: its Events, then status written once.
        var writes = session.Status.StatusWrites;
        var outcome = await session.Reconciler.ReconcileAsync(scrapes, cancellationToken);
        Interlocked.Add(ref _statusWrites, session.Status.StatusWrites - writes);
        if (outcome.Applied)
        {
            session.ClearScrapes();
        }

        var decision = outcome.Decision;
        session.LastReplicas = outcome.Applied && decision is { Knob: Knob.Replicas, To: { } replicas } ? replicas : outcome.Input.DesiredReplicas;
        var status = session.Status.Resource.Status ?? new Engine.Resource.Spec.ApiTuningStatus();
        _metrics.RecordConditions(resource.Metadata.NamespaceProperty, resource.Metadata.Name, status.Conditions);
        Record(resource, decision, status);
        _queue.AddAfter(key, spec.Window);
        LogDecided(_logger, key, decision.Kind, decision.Reason, decision.Message);
        return outcome.ApplyError is not null ? ReconcileResult.ApplyFailed
            : outcome.Applied ? ReconcileResult.Acted
            : decision.Kind == DecisionKind.Recommend ? ReconcileResult.Recommended
            : ReconcileResult.Held;
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
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            // Its passes say the database is unreadable; until it is read, what it holds cannot be counted.
            LogLedgerJoinFailed(_logger, key, ex.GetType().Name);
        }
    }

    private void Record(ApiTuningResource resource, Decision decision, Engine.Resource.Spec.ApiTuningStatus status)
    {
        _metrics.Decisions.WithLabels(decision.Knob?.ToString() ?? "none", decision.Reason, decision.Kind.ToString()).Inc();
        var (ns, name) = (resource.Metadata.NamespaceProperty, resource.Metadata.Name);
        foreach (var (knob, value) in new (string, int?)[]
        {
            (nameof(Knob.Replicas), status.Current?.Replicas),
            (nameof(Knob.ThreadPoolMinThreads), status.Current?.ThreadPoolMinThreads),
            (nameof(Knob.DbMaxPoolSize), status.Current?.DbMaxPoolSize),
            (nameof(Knob.PostgresMaxConnections), status.Current?.PostgresMaxConnections),
        })
        {
            if (value is { } v)
            {
                _metrics.KnobValue.WithLabels(ns, name, knob).Set(v);
            }
        }
    }

    private async Task WriteStatusAsync(KubernetesStatusWriter writer, Engine.Resource.Spec.ApiTuningStatus status, CancellationToken cancellationToken)
    {
        if (await writer.WriteStatusAsync(status, cancellationToken))
        {
            Interlocked.Increment(ref _statusWrites);
        }

        // Written, or already what the object holds: the gauges follow the status in force.
        _metrics.RecordConditions(writer.Resource.Metadata.NamespaceProperty, writer.Resource.Metadata.Name, status.Conditions);
    }

    private async Task TryReportFailureAsync(string key, ApiTuningResource resource, Exception error, CancellationToken cancellationToken)
    {
        var writer = _sessions.GetValueOrDefault(key)?.Status ?? _failureWriters.GetOrAdd(key, _ => new KubernetesStatusWriter(_client, resource, _portOptions));
        if (writer.Resource.Metadata.Generation != resource.Metadata.Generation)
        {
            writer.Observe(resource); // Only a newer spec: the writer's own copy is never older than the watch's.
        }

        var failed = ApiTuningStatusBuilder.NotReady(writer.Resource, ConditionReasons.ReconcileFailed, $"{error.GetType().Name}: {error.Message}; retried with backoff", _time.GetUtcNow());
        try
        {
            await WriteStatusAsync(writer, failed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The key is already re-queued; the status says so on a later pass.
            LogStatusFailed(_logger, ex, key);
        }
    }

    private async Task DropAsync(string key)
    {
        _ledgers.Forget(key);
        _failureWriters.TryRemove(key, out _);
        if (_sessions.TryRemove(key, out var session))
        {
            await session.DisposeAsync();
        }

        var slash = key.IndexOf('/', StringComparison.Ordinal);
        _metrics.Forget(key[..slash], key[(slash + 1)..]);
    }

    private ApiTuningResource? Find(string key)
    {
        foreach (var watcher in _tunings)
        {
            if (watcher.Get(key) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private void OnTuningChanged(WatchEventType type, ApiTuningResource now, ApiTuningResource? before)
    {
        // The echo of a status write of this operator's: its writer keeps the watch's copy instead of its own.
        if (type == WatchEventType.Modified && _sessions.TryGetValue(ResourceWatcher<ApiTuningResource>.KeyOf(now), out var session))
        {
            session.Status.ShareIfSame(now);
        }

        // Status-only changes (this operator's own writes among them) leave metadata.generation alone: skip them.
        if (type == WatchEventType.Modified && before is not null && before.Metadata.Generation == now.Metadata.Generation && now.Metadata.DeletionTimestamp is null)
        {
            return;
        }

        if (type == WatchEventType.Deleted)
        {
            _queue.Cancel(ResourceWatcher<ApiTuningResource>.KeyOf(now));
        }

        _queue.Add(ResourceWatcher<ApiTuningResource>.KeyOf(now));
        _metrics.QueueDepth.Set(_queue.Count);
    }

    private void OnDeploymentChanged(WatchEventType type, V1Deployment now, V1Deployment? before)
    {
        var replicasChanged = before?.Spec?.Replicas != now.Spec?.Replicas;
        var rollout = before is not null && before.Metadata.Generation != now.Metadata.Generation && !replicasChanged;
        if (type == WatchEventType.Modified && !replicasChanged && !rollout)
        {
            return;
        }

        var ns = now.Metadata.NamespaceProperty;
        foreach (var watcher in _tunings)
        {
            foreach (var tuning in watcher.Items.Where(t => t.Metadata.NamespaceProperty == ns && t.Spec?.TargetRef?.Name == now.Metadata.Name))
            {
                var key = tuning.Key;
                var session = _sessions.GetValueOrDefault(key);
                var ours = type == WatchEventType.Modified && session is not null
                    && ((replicasChanged && session.LastReplicas == now.Spec?.Replicas) || (rollout && session.Reconciler.State.Pending is not null));
                if (ours || (type == WatchEventType.Added && session is not null))
                {
                    continue;
                }

                LogTargetChanged(_logger, key, now.Metadata.Name, type.ToString(), now.Spec?.Replicas ?? 0);
                _queue.Add(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: the database could not be read to join its connection ledger ({Error})")]
    private static partial void LogLedgerJoinFailed(ILogger logger, string key, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: collecting the first {WindowSeconds:F0}s window before deciding")]
    private static partial void LogStarted(ILogger logger, string key, double windowSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: {Kind} ({Reason}): {Message}")]
    private static partial void LogDecided(ILogger logger, string key, DecisionKind kind, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: the spec is invalid, nothing is changed: {Problems}")]
    private static partial void LogInvalid(ILogger logger, string key, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: reconcile failed; retrying in {DelayMs:F0} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string key, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: {Result}; retrying in {DelayMs:F0} ms")]
    private static partial void LogRetry(ILogger logger, string key, string result, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: the pass in flight was abandoned at shutdown")]
    private static partial void LogAbandoned(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: could not record the failure in status")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: target {Deployment} {Change} (replicas {Replicas}); reconciling now")]
    private static partial void LogTargetChanged(ILogger logger, string key, string deployment, string change, int replicas);
}
