using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// The cluster controller for one leadership term: watches ApiTunings and their target Deployments, queues the
/// ApiTunings that need a pass, and runs each pass through its <see cref="TuningSessions"/> session's reconciler (the
/// same pipeline as local mode), which reports itself; status for an invalid spec or a failed pass goes through the
/// <see cref="ApiTuningStatusReporter"/>. Every ApiTuning is reconciled again once per metrics window; a failed pass
/// comes back after a backoff that doubles with each failure. The queue, watchers and backoff are the generic
/// machinery of Kubernetes/Machinery.
/// </summary>
public sealed partial class ApiTuningController : ITermController
{
    private readonly IKubernetes _client;
    private readonly ControllerOptions _options;
    private readonly OperatorMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WorkQueue _queue;
    private readonly TuningSessions _sessions;
    private readonly ApiTuningStatusReporter _status;
    private readonly List<ResourceWatcher<ApiTuningResource>> _tunings = [];
    private readonly List<ResourceWatcher<V1Deployment>> _deployments = [];
    private readonly WorkloadInformers _informers;
    private readonly List<SupervisedLoop> _workers;

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
            tunings.Failed += (cause, _) => _metrics.WatchFailures.WithLabels(ApiTuningResource.Plural, cause).Inc();
            _tunings.Add(tunings);
            var deployments = new ResourceWatcher<V1Deployment>(WatchSources.Deployments(client, ns, options.WatchTimeout), new Backoff(options.WatchBackoffInitial, options.WatchBackoffMax), logger, _time);
            deployments.Changed += OnDeploymentChanged;
            deployments.Listed += () => _metrics.WatchRestarts.WithLabels("deployments").Inc();
            deployments.Failed += (cause, _) => _metrics.WatchFailures.WithLabels("deployments", cause).Inc();
            _deployments.Add(deployments);
        }

        // Pods, HPAs and ScaledObjects for the ports, in the same namespaces: read from watches, not listed per pass.
        _informers = new WorkloadInformers(
            client, namespaces, _deployments, options.Watch, name => metrics.WatchRestarts.WithLabels(name).Inc(), logger, (name, cause) => metrics.WatchFailures.WithLabels(name, cause).Inc());
        _workers = [.. Enumerable.Range(0, Math.Max(1, options.Workers)).Select(i => new SupervisedLoop(
            $"worker {i}", new Backoff(options.WatchBackoffInitial, options.WatchBackoffMax), _time, (_, _) => metrics.LoopFailures.WithLabels("worker").Inc(), logger))];
        var portOptions = options.Ports with
        {
            Cache = _informers,
            WriteTimedOut = (kind, key) =>
            {
                metrics.StatusWriteTimeouts.WithLabels(kind).Inc();
                LogWriteTimedOut(logger, key, kind, options.Ports.StatusWriteTimeout.TotalSeconds);
            },
        };
        _sessions = new TuningSessions(client, options, portOptions, metrics, logger);
        _status = new ApiTuningStatusReporter(client, portOptions, metrics, _time, logger);
    }

    /// <summary>Raised after every pass: the key and its <see cref="ReconcileResult"/>.</summary>
    public event Action<string, string>? Reconciled;

    /// <summary>Raised after every pass with its duration (the reconcile duration histogram's observation, excluding scrapes).</summary>
    public event Action<string, string, TimeSpan>? Timed;

    /// <summary>True once every watcher has listed its collection.</summary>
    public bool Synced => _tunings.All(w => w.Synced.IsCompleted) && _deployments.All(w => w.Synced.IsCompleted) && _informers.Synced;

    /// <inheritdoc />
    public IReadOnlyList<string> NotReady =>
    [
        .. _tunings.Where(w => !w.IsUp).Select(w => $"watch of {w.Description}"),
        .. _deployments.Where(w => !w.IsUp).Select(w => $"watch of {w.Description}"),
        .. _informers.Down.Select(d => $"watch of {d}"),
        .. _workers.Where(w => !w.IsUp).Select(w => w.Name),
    ];

    /// <summary>The watch-backed cache of pods, HPAs and ScaledObjects the ports read.</summary>
    public WorkloadInformers Informers => _informers;

    /// <summary>The ApiTuning watchers (one per namespace, or one for all).</summary>
    public IReadOnlyList<ResourceWatcher<ApiTuningResource>> TuningWatchers => _tunings;

    /// <summary>The work queue.</summary>
    public WorkQueue Queue => _queue;

    /// <summary>How many status writes were made.</summary>
    public int StatusWrites => _status.StatusWrites;

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
        var workers = _workers.Select(w => w.RunAsync(WorkerAsync, grace.Token)).ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            await Task.WhenAll(watches);
            await _sessions.DisposeAllAsync();

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
            catch (Exception ex) when (ex is not OperationCanceledException || !passToken.IsCancellationRequested)
            {
                // A defect outside the pass's own error handling: the key comes back after its backoff rather than
                // wait for an event that may never come, and the worker's supervisor logs, counts and restarts it.
                _queue.AddRateLimited(key);
                throw;
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
            await _status.FailureAsync(key, resource, _sessions.Get(key)?.Status, ex, cancellationToken);
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
        if (!validation.IsValid || validation.Spec is not { } spec)
        {
            var writer = _sessions.Get(key)?.Status;
            await DropAsync(key);
            var message = string.Join("; ", validation.Problems.Select(p => p.ToString()));
            await _status.InvalidSpecAsync(resource, writer, message, cancellationToken);
            LogInvalid(_logger, key, message);
            return ReconcileResult.InvalidSpec;
        }

        var (session, started) = await _sessions.ForAsync(key, resource, generation, spec, cancellationToken);
        _status.Forget(key);
        if (started)
        {
            _queue.AddAfter(key, spec.Window);
            LogStarted(_logger, key, spec.Window.TotalSeconds);
            return ReconcileResult.Started;
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
        var scrapes = session.Window();
        var outcome = await _status.CountingAsync(session.Status, () => session.Reconciler.ReconcileAsync(scrapes, cancellationToken));
        if (outcome.Applied)
        {
            session.ClearScrapes();
        }

        var decision = outcome.Decision;
        session.LastReplicas = outcome.Applied && decision is { Knob: Knob.Replicas, To: { } replicas } ? replicas : outcome.Input.DesiredReplicas;
        _status.Passed(resource, session.Status, decision);
        _queue.AddAfter(key, spec.Window);
        LogDecided(_logger, key, decision.Kind, decision.Reason, decision.Message);
        return outcome.ApplyError is not null ? ReconcileResult.ApplyFailed
            : outcome.Applied ? ReconcileResult.Acted
            : decision.Kind == DecisionKind.Recommend ? ReconcileResult.Recommended
            : ReconcileResult.Held;
    }

    private async Task DropAsync(string key)
    {
        _status.Forget(key);
        await _sessions.DropAsync(key);

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
        if (type == WatchEventType.Modified && _sessions.Get(ResourceWatcher<ApiTuningResource>.KeyOf(now)) is { } session)
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

        // An opt-in added (or withdrawn) takes effect now, not after a refused ApiTuning's backoff (docs/security.md).
        var optInChanged = before is not null && KubernetesNames.Lookup(before.Metadata.Annotations, KubernetesNames.AllowTuning) != KubernetesNames.Lookup(now.Metadata.Annotations, KubernetesNames.AllowTuning);
        if (type == WatchEventType.Modified && !replicasChanged && !rollout && !optInChanged)
        {
            return;
        }

        var ns = now.Metadata.NamespaceProperty;
        foreach (var watcher in _tunings)
        {
            foreach (var tuning in watcher.Items.Where(t => t.Metadata.NamespaceProperty == ns && t.Spec?.TargetRef?.Name == now.Metadata.Name))
            {
                var key = tuning.Key;
                var session = _sessions.Get(key);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: a {Kind} write got no answer within {TimeoutSeconds:F0}s; a status is written with the next pass, an Event is dropped")]
    private static partial void LogWriteTimedOut(ILogger logger, string key, string kind, double timeoutSeconds);

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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: target {Deployment} {Change} (replicas {Replicas}); reconciling now")]
    private static partial void LogTargetChanged(ILogger logger, string key, string deployment, string change, int replicas);
}
