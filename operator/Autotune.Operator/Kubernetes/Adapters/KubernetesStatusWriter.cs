using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Ports;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// Writes an ApiTuning's status through its status subresource and its Events through events.k8s.io/v1.
/// Status is written with a JSON merge patch that carries the resourceVersion it was computed from, only when it
/// differs from what was last written or read; a 409 Conflict re-reads the object and retries (conditions keep the
/// transition times the fresh object holds). An Event repeated within <see cref="SeriesWindow"/> becomes a series
/// on the first one (its count and lastObservedTime patched) instead of a new object. Every write has its own
/// deadline (<see cref="KubernetesPortOptions.StatusWriteTimeout"/>): a status write that runs out of it, or that the
/// server refuses, is kept as pending, and the next status composed builds on it, so a pass outcome (a change applied
/// among it) is reported late but never lost.
/// </summary>
public sealed class KubernetesStatusWriter(IKubernetes client, ApiTuningResource resource, KubernetesPortOptions options) : IStatusWriter
{
    /// <summary>How long a repeated Event is folded into the series of its first occurrence.</summary>
    public static readonly TimeSpan SeriesWindow = TimeSpan.FromMinutes(30);

    private const int NoteLimit = 1024;
    private int _timedOut;
    private readonly ConcurrentDictionary<string, EventSeries> _series = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _statusGate = new(1, 1);
    // A 128-bit hash of the status last written, not its text, which every ApiTuning would keep only to compare. Not a
    // cryptographic hash: there is no adversary here, and one would load OpenSSL into a process that may not need it.
    private byte[]? _lastWritten;
    private ApiTuningResource _resource = resource;
    private ApiTuningStatus? _pending;

    /// <summary>The ApiTuning as last read or written (its resourceVersion is the precondition of the next write).</summary>
    public ApiTuningResource Resource
    {
        get => Volatile.Read(ref _resource);
        private set => Volatile.Write(ref _resource, value);
    }

    /// <summary>Status writes that reached the API server.</summary>
    public int StatusWrites { get; private set; }

    /// <summary>Writes (status or Event) that ran out of their deadline.</summary>
    public int TimedOut => Volatile.Read(ref _timedOut);

    /// <summary>True while a status write that timed out waits to be written with the next status.</summary>
    public bool StatusPending => Volatile.Read(ref _pending) is not null;

    /// <summary>
    /// What the next status is composed from: the ApiTuning as last read or written, with the status of a write that
    /// timed out in place of the stored one (it is newer: it records a pass the stored status does not).
    /// </summary>
    public ApiTuningResource Basis
    {
        get
        {
            var held = Resource;
            return Volatile.Read(ref _pending) is { } pending
                ? new ApiTuningResource { ApiVersion = held.ApiVersion, Kind = held.Kind, Metadata = held.Metadata, Spec = held.Spec, Status = pending }
                : held;
        }
    }

    /// <summary>Takes a newer copy of the ApiTuning (from a watch), so the next write is conditioned on it.</summary>
    public void Observe(ApiTuningResource latest)
    {
        ArgumentNullException.ThrowIfNull(latest);
        Resource = latest;
    }

    /// <summary>
    /// Takes over the status an earlier writer of the same ApiTuning could not write in time (its session replaced
    /// by a new generation's), so that pass's outcome is still reported.
    /// </summary>
    public void CarryOver(KubernetesStatusWriter previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (Volatile.Read(ref previous._pending) is { } pending)
        {
            Interlocked.CompareExchange(ref _pending, pending, null);
        }
    }

    /// <summary>
    /// Takes the watch's copy of the ApiTuning in place of its own when both are the same version (the watch's echo
    /// of this writer's last write), so the operator keeps one copy of each ApiTuning rather than two. A copy of any
    /// other version is left alone: an older one would drop what this writer wrote, a newer one is taken by the
    /// next pass (<see cref="Observe"/>) or met by the 409 re-read.
    /// </summary>
    public void ShareIfSame(ApiTuningResource watched)
    {
        ArgumentNullException.ThrowIfNull(watched);
        var held = Resource;
        if (!ReferenceEquals(held, watched) && held.Metadata.ResourceVersion is { } version && version == watched.Metadata.ResourceVersion)
        {
            // A write that lands meanwhile replaces the held copy; the exchange then leaves the newer one in place.
            Interlocked.CompareExchange(ref _resource, watched, held);
        }
    }

    /// <summary>Reports a pass: its Events, then the status built from it, written only when it changed.</summary>
    public async Task ReportAsync(PassOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (var tuningEvent in outcome.Events)
        {
            await EventAsync(tuningEvent, cancellationToken);
        }

        // Composed on a status that timed out, if any: the new status carries that pass's record too.
        var status = ApiTuningStatusBuilder.FromOutcome(Basis, outcome, options.Time.GetUtcNow());
        await WriteStatusAsync(status, cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="status"/> unless it equals what was last written or read. Returns true when it wrote.
    /// A 409 re-reads the object and retries up to <see cref="KubernetesPortOptions.StatusConflictRetries"/> times.
    /// A write that runs out of <see cref="KubernetesPortOptions.StatusWriteTimeout"/> returns false, and one the server
    /// refuses throws; either keeps <paramref name="status"/> as pending (<see cref="Basis"/>) for the next status to
    /// build on; compose every status from <see cref="Basis"/>, as a write that lands clears what was pending.
    /// </summary>
    public async Task<bool> WriteStatusAsync(ApiTuningStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StatusWriteTimeout);
        try
        {
            await _statusGate.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A write of this ApiTuning still holds the gate past the deadline (a failure report beside a pass).
            Volatile.Write(ref _pending, status);
            TimedOutWrite("status");
            return false;
        }

        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var json = KubernetesJson.Serialize(status);
                var hash = XxHash128.Hash(MemoryMarshal.AsBytes(json.AsSpan())); // the text's own UTF-16 bytes: no copy to hash
                if (hash.AsSpan().SequenceEqual(_lastWritten) || (Resource.Status is { } current && json == KubernetesJson.Serialize(current)))
                {
                    Volatile.Write(ref _pending, null);
                    return false;
                }

                try
                {
                    var patch = new V1Patch(PatchBody(status, Resource), V1Patch.PatchType.MergePatch);
                    Resource = await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<ApiTuningResource>(
                        patch, ApiTuningResource.Group, ApiTuningResource.Version, Resource.Metadata.NamespaceProperty, ApiTuningResource.Plural, Resource.Metadata.Name, cancellationToken: deadline.Token);
                    _lastWritten = hash;
                    Volatile.Write(ref _pending, null);
                    StatusWrites++;
                    return true;
                }
                catch (Exception ex) when (KubeErrors.IsConflict(ex) && attempt < options.StatusConflictRetries)
                {
                    Resource = await client.CustomObjects.GetNamespacedCustomObjectStatusAsync<ApiTuningResource>(
                        ApiTuningResource.Group, ApiTuningResource.Version, Resource.Metadata.NamespaceProperty, ApiTuningResource.Plural, Resource.Metadata.Name, deadline.Token);
                    status = status with
                    {
                        Conditions = [.. status.Conditions.Select(c => Resource.Status?.Conditions.FirstOrDefault(p => p.Type == c.Type && p.Status == c.Status) is { } kept ? c with { LastTransitionTime = kept.LastTransitionTime } : c)],
                    };
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The API server held the write past its deadline. It may still land; either way the next write carries
            // this status (a landed one is met by the 409 re-read, as its resourceVersion moved on).
            Volatile.Write(ref _pending, status);
            TimedOutWrite("status");
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Refused (a 5xx, conflicts past the retries, the connection lost): the pass that composed this status may
            // have applied a change, and its record (lastDecision, history) is nowhere else. The next status is composed
            // on this one, so the record lands with the next write that does (the failure report's, or the next pass's).
            Volatile.Write(ref _pending, status);
            throw;
        }
        finally
        {
            _statusGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task EventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tuningEvent);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.StatusWriteTimeout);
        try
        {
            await WriteEventAsync(tuningEvent, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Dropped: an Event is a notice, and the status (written, or pending) records the decision it tells of.
            TimedOutWrite("event");
        }
    }

    private void TimedOutWrite(string what)
    {
        Interlocked.Increment(ref _timedOut);
        options.WriteTimedOut?.Invoke(what, Resource.Key);
    }

    private async Task WriteEventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken)
    {
        var note = tuningEvent.Message.Length <= NoteLimit ? tuningEvent.Message : tuningEvent.Message[..(NoteLimit - 3)] + "...";
        var key = $"{tuningEvent.Type}\n{tuningEvent.Reason}\n{note}";
        var ns = Resource.Metadata.NamespaceProperty;
        var now = tuningEvent.Time.UtcDateTime;
        if (_series.TryGetValue(key, out var series) && tuningEvent.Time - series.First < SeriesWindow)
        {
            var count = Interlocked.Increment(ref series.Count);
            var body = new JsonObject
            {
                ["series"] = new JsonObject
                {
                    ["count"] = count,
                    ["lastObservedTime"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                },
            };
            try
            {
                await client.EventsV1.PatchNamespacedEventAsync(new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch), series.Name, ns, cancellationToken: cancellationToken);
                return;
            }
            catch (Exception ex) when (KubeErrors.IsNotFound(ex))
            {
                _series.TryRemove(key, out _); // Expired (events have a TTL): start a new one.
            }
        }

        var created = await client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = Resource.Metadata.Name + ".", NamespaceProperty = ns },
            EventTime = now,
            Type = tuningEvent.Type,
            Reason = tuningEvent.Reason,
            Note = note,
            Action = tuningEvent.Type == TuningEvent.Warning ? "Hold" : "Tune",
            ReportingController = KubernetesNames.ReportingController,
            ReportingInstance = options.ReportingInstance,
            Regarding = new V1ObjectReference
            {
                ApiVersion = ApiTuningResource.GroupVersion,
                Kind = ApiTuningResource.KindName,
                Name = Resource.Metadata.Name,
                NamespaceProperty = ns,
                Uid = Resource.Metadata.Uid,
            },
        }, ns, cancellationToken: cancellationToken);
        _series[key] = new EventSeries(created.Metadata.Name, tuningEvent.Time);
    }

    /// <summary>The merge patch: the status, fields that were set before and are absent now as null, and the precondition.</summary>
    private static string PatchBody(ApiTuningStatus status, ApiTuningResource current)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(status))!.AsObject();
        if (current.Status is { } before)
        {
            foreach (var (name, _) in JsonNode.Parse(KubernetesJson.Serialize(before))!.AsObject())
            {
                if (!node.ContainsKey(name))
                {
                    node[name] = null;
                }
            }
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = current.Metadata.ResourceVersion },
            ["status"] = node,
        }.ToJsonString();
    }

    private sealed class EventSeries(string name, DateTimeOffset first)
    {
        public int Count = 1;

        public string Name { get; } = name;

        public DateTimeOffset First { get; } = first;
    }
}
