using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.Store;

/// <summary>A committed change to one object: what a watch sends as ADDED, MODIFIED or DELETED.</summary>
/// <param name="Type">ADDED, MODIFIED or DELETED.</param>
/// <param name="Resource">The resource type of the object.</param>
/// <param name="Object">The object after the change (for DELETED: its last state, with the deletion's resourceVersion).</param>
/// <param name="ResourceVersion">The resourceVersion the change was committed at.</param>
public sealed record StoreChange(string Type, ResourceType Resource, JsonObject Object, long ResourceVersion)
{
    /// <summary>The object's namespace, or empty for cluster-scoped objects.</summary>
    public string Namespace => (string?)Object["metadata"]?["namespace"] ?? string.Empty;

    /// <summary>The object's name.</summary>
    public string Name => (string?)Object["metadata"]?["name"] ?? string.Empty;

    /// <summary>The user whose request made the change (as <see cref="Observation.RequestRecord.User"/>); null for a change made straight in the store.</summary>
    public string? User { get; init; } = Observation.RequestUser.Current;
}
