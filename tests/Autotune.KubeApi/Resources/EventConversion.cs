using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Resources;

/// <summary>
/// core v1 Events and events.k8s.io/v1 Events are one storage in the API server, converted field by field: what the
/// operator writes as events.k8s.io (regarding, note, reportingController) is what <c>kubectl describe</c> and
/// <c>kubectl get events</c> read as core v1 (involvedObject, message, reportingComponent). Stored in the core form.
/// </summary>
internal static class EventConversion
{
    private static readonly (string Core, string EventsV1)[] Renamed =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
    ];

    /// <summary>The stored (core v1) form of an object written through <paramref name="type"/>.</summary>
    public static JsonObject ToStored(JsonObject obj, ResourceType type) =>
        type == BuiltInResources.EventsV1 ? Rename(obj, r => (r.EventsV1, r.Core)) : obj;

    /// <summary>The form <paramref name="type"/> serves a stored object in.</summary>
    public static JsonObject ToServed(JsonObject obj, ResourceType type) =>
        type == BuiltInResources.EventsV1 ? Rename(obj, r => (r.Core, r.EventsV1)) : obj;

    private static JsonObject Rename(JsonObject obj, Func<(string Core, string EventsV1), (string From, string To)> direction)
    {
        foreach (var (from, to) in Renamed.Select(direction))
        {
            if (obj[from] is { } value)
            {
                obj.Remove(from);
                obj[to] = value.DeepClone();
            }
        }

        return obj;
    }
}
