using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.Errors;

/// <summary>A request the server refuses; rendered as a v1 Status object with the same code, reason and details as the real API server.</summary>
public sealed class KubeApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    /// <summary>The HTTP status code.</summary>
    public int Code { get; } = code;

    /// <summary>The Status reason (NotFound, AlreadyExists, Conflict, Invalid, Expired, ...).</summary>
    public string Reason { get; } = reason;

    /// <summary>The Status details (name, group, kind, causes).</summary>
    public JsonObject? Details { get; } = details;

    /// <summary>The v1 Status object for this failure.</summary>
    public JsonObject ToStatus() => StatusObjects.Failure(Code, Reason, Message, Details?.DeepClone().AsObject());

    /// <summary>404: "deployments.apps \"web\" not found".</summary>
    public static KubeApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedName} \"{name}\" not found", NameDetails(type, name));

    /// <summary>409: "deployments.apps \"web\" already exists".</summary>
    public static KubeApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedName} \"{name}\" already exists", NameDetails(type, name));

    /// <summary>409: the update was based on a resourceVersion that is no longer the latest.</summary>
    public static KubeApiException Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            NameDetails(type, name));

    /// <summary>422: the object fails validation; each cause names a field.</summary>
    public static KubeApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldCause> causes)
    {
        var details = new JsonObject
        {
            ["name"] = name,
            ["group"] = type.Group,
            ["kind"] = type.Kind,
            ["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)new JsonObject
            {
                ["reason"] = c.Reason,
                ["message"] = c.Message,
                ["field"] = c.Field,
            })]),
        };
        var summary = causes.Count == 1
            ? $"{causes[0].Field}: {causes[0].Message}"
            : "[" + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        return new(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {summary}", details);
    }

    /// <summary>400 BadRequest.</summary>
    public static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);

    /// <summary>410 Expired: a watch or list from a resourceVersion older than the retained window.</summary>
    public static KubeApiException Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    private static JsonObject NameDetails(ResourceType type, string name) => new()
    {
        ["name"] = name,
        ["group"] = type.Group,
        ["kind"] = type.Plural,
    };
}
