using System.Collections.Concurrent;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Reconcile;
using k8s;
using Microsoft.Extensions.Logging;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// Status reporting around the passes: what an invalid spec or a failed pass says in status (a pass reports itself
/// through its session's <see cref="KubernetesStatusWriter"/>), the count of status writes, and the operator's own
/// gauges of each ApiTuning's conditions and knob values, which follow the status in force.
/// </summary>
public sealed partial class ApiTuningStatusReporter(IKubernetes client, KubernetesPortOptions portOptions, OperatorMetrics metrics, TimeProvider time, ILogger logger)
{
    private readonly ConcurrentDictionary<string, KubernetesStatusWriter> _failureWriters = new(StringComparer.Ordinal);
    private int _statusWrites;

    /// <summary>How many status writes were made.</summary>
    public int StatusWrites => Volatile.Read(ref _statusWrites);

    /// <summary>Runs a pass that reports through <paramref name="writer"/>, counting the status writes it made.</summary>
    public async Task<T> CountingAsync<T>(KubernetesStatusWriter writer, Func<Task<T>> pass)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(pass);
        var before = writer.StatusWrites;
        try
        {
            return await pass();
        }
        finally
        {
            Interlocked.Add(ref _statusWrites, writer.StatusWrites - before);
        }
    }

    /// <summary>After a pass: the gauges follow the status now in force, and the decision is counted.</summary>
    public void Passed(ApiTuningResource resource, KubernetesStatusWriter writer, Decision decision)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(decision);
        var status = writer.Basis.Status ?? new ApiTuningStatus(); // what was written, or what waits to be after a timeout
        var (ns, name) = (resource.Metadata.NamespaceProperty, resource.Metadata.Name);
        metrics.RecordConditions(ns, name, status.Conditions);
        metrics.Decisions.WithLabels(decision.Knob?.ToString() ?? "none", decision.Reason, decision.Kind.ToString()).Inc();
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
                metrics.KnobValue.WithLabels(ns, name, knob).Set(v);
            }
        }
    }

    /// <summary>An invalid spec: InvalidSpec names what to fix, and nothing is tuned.</summary>
    public async Task InvalidSpecAsync(ApiTuningResource resource, KubernetesStatusWriter? writer, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        writer ??= new KubernetesStatusWriter(client, resource, portOptions);
        writer.Observe(resource);
        await WriteAsync(writer, ApiTuningStatusBuilder.InvalidSpec(writer.Basis, message, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>A pass that failed before a decision: Ready=False says so; the key is already re-queued.</summary>
    public async Task FailureAsync(string key, ApiTuningResource resource, KubernetesStatusWriter? sessionWriter, Exception error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(error);
        var writer = sessionWriter ?? _failureWriters.GetOrAdd(key, _ => new KubernetesStatusWriter(client, resource, portOptions));
        if (writer.Resource.Metadata.Generation != resource.Metadata.Generation)
        {
            writer.Observe(resource); // Only a newer spec: the writer's own copy is never older than the watch's.
        }

        // A refusal or a missing reference names its own reason (OptInMissing, ConfigMapNotOwned, ReferenceNotFound).
        var reason = error is SafeFailureException safe ? safe.Reason : ConditionReasons.ReconcileFailed;
        var failed = ApiTuningStatusBuilder.NotReady(writer.Basis, reason, $"{FailureText.Of(error)}; retried with backoff", time.GetUtcNow());
        try
        {
            await WriteAsync(writer, failed, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The key is already re-queued; the status says so on a later pass.
            LogStatusFailed(logger, ex, key);
        }
    }

    /// <summary>Forgets what was kept for an ApiTuning (deleted, or its session took over).</summary>
    public void Forget(string key) => _failureWriters.TryRemove(key, out _);

    private async Task WriteAsync(KubernetesStatusWriter writer, ApiTuningStatus status, CancellationToken cancellationToken)
    {
        if (await writer.WriteStatusAsync(status, cancellationToken))
        {
            Interlocked.Increment(ref _statusWrites);
        }

        // Written, or already what the object holds: the gauges follow the status in force.
        metrics.RecordConditions(writer.Resource.Metadata.NamespaceProperty, writer.Resource.Metadata.Name, status.Conditions);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Key}: could not record the failure in status")]
    private static partial void LogStatusFailed(ILogger logger, Exception exception, string key);
}
