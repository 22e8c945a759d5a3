using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.Http;

/// <summary>Shapes stored objects for a response: kind and apiVersion of the requested version, list wrappers.</summary>
internal static class ObjectShapes
{
    public static JsonObject AsServed(JsonObject obj, ResourceType type, string version)
    {
        var shaped = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion(version) };
        foreach (var (key, value) in obj)
        {
            if (key is not ("kind" or "apiVersion"))
            {
                shaped[key] = value?.DeepClone();
            }
        }

        return EventConversion.ToServed(shaped, type);
    }

    public static JsonObject List(ResourceType type, string version, IEnumerable<JsonObject> items, long resourceVersion) => new()
    {
        ["kind"] = type.ListKind,
        ["apiVersion"] = type.ApiVersion(version),
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
        ["items"] = new JsonArray([.. items.Select(i => (JsonNode)AsServed(i, type, version))]),
    };
}
