using System.Text;
using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Resources;

/// <summary>
/// What the API server does to a Secret it is given: <c>stringData</c> is write-only, merged into <c>data</c> (base64,
/// over a key of the same name) and never stored; <c>type</c> defaults to Opaque. Charts write their Secrets that way.
/// </summary>
internal static class SecretData
{
    public static JsonObject Normalize(JsonObject obj, ResourceType type)
    {
        if (type.Group.Length != 0 || type.Kind != "Secret")
        {
            return obj;
        }

        if (obj["stringData"] is JsonObject strings)
        {
            var data = obj["data"] as JsonObject ?? [];
            foreach (var (key, value) in strings)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes((string?)value ?? string.Empty));
            }

            obj["data"] = data;
        }

        obj.Remove("stringData");
        if ((string?)obj["type"] is not { Length: > 0 })
        {
            obj["type"] = "Opaque";
        }

        return obj;
    }
}
