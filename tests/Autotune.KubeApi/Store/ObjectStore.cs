using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.Store;

/// <summary>
/// Every object the server holds, as JSON, with one global, monotonically increasing resourceVersion. Assigns uid,
/// creationTimestamp and generation (bumped only when something outside metadata and status changes), keeps a bounded
/// history of changes for watches (older resourceVersions answer 410), and raises <see cref="ObjectChanged"/> after
/// each commit so a test or a controller-like hook can react.
/// </summary>
public sealed class ObjectStore(int retainedChanges = 10_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = [];
    private readonly LinkedList<StoreChange> _history = new();
    private readonly List<WatchSubscription> _watchers = [];
    private readonly Dictionary<string, ResourceType> _typesByKey = [];
    private long _resourceVersion;
    private long _compactedThrough;

    /// <summary>Raised after every committed change, outside the store's lock, in commit order per thread.</summary>
    public event Action<StoreChange>? ObjectChanged;

    /// <summary>How many changes are kept for watches; a watch from before them gets 410 Expired.</summary>
    public int RetainedChanges { get; set; } = retainedChanges;

    /// <summary>The latest resourceVersion.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>Forgets the change history: every watch from a resourceVersion before now answers 410 Expired.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    /// <summary>A copy of one object, or null.</summary>
    public JsonObject? TryGet(ResourceType type, string ns, string name)
    {
        lock (_gate)
        {
            return Bucket(type).TryGetValue(Key(ns, name), out var found) ? found.DeepClone().AsObject() : null;
        }
    }

    /// <summary>A copy of one object; 404 NotFound when missing.</summary>
    public JsonObject Get(ResourceType type, string ns, string name) =>
        TryGet(type, ns, name) ?? throw KubeApiException.NotFound(type, name);

    /// <summary>Copies of the objects of a type (in one namespace, or all when <paramref name="ns"/> is null) and the list's resourceVersion.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns)
    {
        lock (_gate)
        {
            var items = Bucket(type).Values
                .Where(o => ns is null || (string?)o["metadata"]!["namespace"] == ns)
                .Select(o => o.DeepClone().AsObject())
                .ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>Stores a new object, filling uid, creationTimestamp, generation and resourceVersion; 409 AlreadyExists when the name is taken.</summary>
    public JsonObject Create(ResourceType type, string ns, JsonObject candidate)
    {
        StoreChange change;
        lock (_gate)
        {
            var metadata = Metadata(candidate);
            if ((string?)metadata["name"] is not { Length: > 0 } && (string?)metadata["generateName"] is { Length: > 0 } prefix)
            {
                metadata["name"] = prefix + Guid.NewGuid().ToString("N")[..5];
            }

            var name = (string?)metadata["name"] ?? string.Empty;
            if (type.Namespaced && !Bucket(BuiltInResources.Namespaces).ContainsKey(Key(string.Empty, ns)))
            {
                throw KubeApiException.NotFound(BuiltInResources.Namespaces, ns);
            }

            if (Bucket(type).ContainsKey(Key(ns, name)))
            {
                throw KubeApiException.AlreadyExists(type, name);
            }

            if (type.Namespaced)
            {
                metadata["namespace"] = ns;
            }
            else
            {
                metadata.Remove("namespace");
            }

            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Now();
            metadata.Remove("deletionTimestamp");
            if (type.HasGeneration)
            {
                metadata["generation"] = 1L;
            }

            change = Commit("ADDED", type, ns, name, candidate);
        }

        Raise(change);
        return change.Object.DeepClone().AsObject();
    }

    /// <summary>
    /// Replaces an object with what <paramref name="transform"/> makes of a copy of it. A non-empty
    /// metadata.resourceVersion in the result must equal the stored one (409 Conflict otherwise); uid,
    /// creationTimestamp and name are kept; generation is bumped when anything outside metadata and status changed.
    /// An object being deleted whose last finalizer is removed is deleted.
    /// </summary>
    public JsonObject Update(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> transform)
    {
        StoreChange change;
        lock (_gate)
        {
            var current = Bucket(type).GetValueOrDefault(Key(ns, name)) ?? throw KubeApiException.NotFound(type, name);
            var candidate = transform(current.DeepClone().AsObject());
            var metadata = Metadata(candidate);
            var currentMetadata = current["metadata"]!.AsObject();
            if ((string?)metadata["resourceVersion"] is { Length: > 0 } expected && expected != (string?)currentMetadata["resourceVersion"])
            {
                throw KubeApiException.Conflict(type, name);
            }

            foreach (var kept in new[] { "uid", "creationTimestamp", "name", "namespace", "generation", "deletionTimestamp" })
            {
                metadata.Remove(kept);
                if (currentMetadata[kept] is { } value)
                {
                    metadata[kept] = value.DeepClone();
                }
            }

            if (type.HasGeneration && !JsonNode.DeepEquals(WithoutMetadataAndStatus(current), WithoutMetadataAndStatus(candidate)))
            {
                metadata["generation"] = long.Parse(currentMetadata["generation"]?.ToJsonString() ?? "0", CultureInfo.InvariantCulture) + 1;
            }

            var finished = metadata["deletionTimestamp"] is not null && metadata["finalizers"] is not JsonArray { Count: > 0 };
            if (JsonNode.DeepEquals(WithoutResourceVersion(current), WithoutResourceVersion(candidate)) && !finished)
            {
                return current.DeepClone().AsObject();
            }

            change = finished ? Remove(type, ns, name, candidate) : Commit("MODIFIED", type, ns, name, candidate);
        }

        Raise(change);
        return change.Object.DeepClone().AsObject();
    }

    /// <summary>
    /// Deletes an object: at once when it has no finalizers (returns it with the deletion's resourceVersion), otherwise
    /// marks it with a deletionTimestamp and keeps it until its finalizers are removed. Deleting a namespace deletes
    /// everything in it; deleting a CRD deletes its custom resources.
    /// </summary>
    public JsonObject Delete(ResourceType type, string ns, string name, string? expectedUid = null)
    {
        var changes = new List<StoreChange>();
        lock (_gate)
        {
            var current = Bucket(type).GetValueOrDefault(Key(ns, name)) ?? throw KubeApiException.NotFound(type, name);
            if (expectedUid is not null && expectedUid != (string?)current["metadata"]!["uid"])
            {
                throw KubeApiException.Conflict(type, name);
            }

            if (current["metadata"]!["finalizers"] is JsonArray { Count: > 0 })
            {
                if (current["metadata"]!["deletionTimestamp"] is not null)
                {
                    return current.DeepClone().AsObject();
                }

                var marked = current.DeepClone().AsObject();
                marked["metadata"]!["deletionTimestamp"] = Now();
                changes.Add(Commit("MODIFIED", type, ns, name, marked));
            }
            else
            {
                if (type == BuiltInResources.Namespaces)
                {
                    foreach (var (key, bucket) in _objects)
                    {
                        foreach (var inNamespace in bucket.Values.Where(o => (string?)o["metadata"]!["namespace"] == name).ToList())
                        {
                            changes.Add(Remove(_typesByKey[key], name, (string)inNamespace["metadata"]!["name"]!, inNamespace));
                        }
                    }
                }

                changes.Add(Remove(type, ns, name, current));
            }
        }

        foreach (var change in changes)
        {
            Raise(change);
        }

        return changes[^1].Object.DeepClone().AsObject();
    }

    /// <summary>Removes every object of a type (a deleted CRD's custom resources).</summary>
    public void DeleteAll(ResourceType type)
    {
        List<StoreChange> changes;
        lock (_gate)
        {
            changes = Bucket(type).Values.ToList()
                .Select(o => Remove(type, (string?)o["metadata"]!["namespace"] ?? string.Empty, (string)o["metadata"]!["name"]!, o))
                .ToList();
        }

        changes.ForEach(Raise);
    }

    /// <summary>
    /// Subscribes to the changes of a type after <paramref name="fromResourceVersion"/> (replayed from the history),
    /// or, when it is null, starting with a synthetic ADDED for every current object. 410 Expired when the history no
    /// longer reaches back to it.
    /// </summary>
    public WatchSubscription Watch(ResourceType type, string? ns, long? fromResourceVersion)
    {
        lock (_gate)
        {
            var subscription = new WatchSubscription(type.StorageKey, ns, Unsubscribe);
            if (fromResourceVersion is { } from)
            {
                if (from < _compactedThrough)
                {
                    throw KubeApiException.Expired(from, _compactedThrough + 1);
                }

                foreach (var change in _history.Where(c => c.ResourceVersion > from && subscription.Matches(c)))
                {
                    subscription.Offer(change);
                }
            }
            else
            {
                foreach (var existing in Bucket(type).Values.Where(o => ns is null || (string?)o["metadata"]!["namespace"] == ns))
                {
                    var rv = long.Parse((string)existing["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture);
                    subscription.Offer(new StoreChange("ADDED", type, existing.DeepClone().AsObject(), rv));
                }
            }

            _watchers.Add(subscription);
            return subscription;
        }
    }

    /// <summary>The latest resourceVersion when the subscription has nothing left to deliver (a safe bookmark), else null.</summary>
    public long? ResourceVersionIfDrained(WatchSubscription subscription)
    {
        lock (_gate)
        {
            return subscription.Changes.Count == 0 ? _resourceVersion : null;
        }
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            _watchers.Remove(subscription);
        }
    }

    private StoreChange Commit(string eventType, ResourceType type, string ns, string name, JsonObject candidate)
    {
        candidate["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        Bucket(type)[Key(ns, name)] = candidate;
        return Record(new StoreChange(eventType, type, candidate.DeepClone().AsObject(), _resourceVersion));
    }

    private StoreChange Remove(ResourceType type, string ns, string name, JsonObject last)
    {
        Bucket(type).Remove(Key(ns, name));
        var deleted = last.DeepClone().AsObject();
        deleted["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        return Record(new StoreChange("DELETED", type, deleted, _resourceVersion));
    }

    private StoreChange Record(StoreChange change)
    {
        _history.AddLast(change);
        while (_history.Count > Math.Max(0, RetainedChanges))
        {
            _compactedThrough = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watcher in _watchers.Where(w => w.Matches(change)))
        {
            watcher.Offer(change);
        }

        return change;
    }

    private void Raise(StoreChange change) => ObjectChanged?.Invoke(change);

    private SortedDictionary<string, JsonObject> Bucket(ResourceType type)
    {
        _typesByKey[type.StorageKey] = type;
        if (!_objects.TryGetValue(type.StorageKey, out var bucket))
        {
            bucket = new(StringComparer.Ordinal);
            _objects[type.StorageKey] = bucket;
        }

        return bucket;
    }

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            obj["metadata"] = metadata;
        }

        return metadata;
    }

    private static JsonObject WithoutMetadataAndStatus(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    private static JsonObject WithoutResourceVersion(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy["metadata"]?.AsObject().Remove("resourceVersion");
        return copy;
    }

    private static string Key(string ns, string name) => ns + "/" + name;

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
