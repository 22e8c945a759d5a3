using System.Text.Json.Nodes;

namespace Autotune.Engine.Tests.Spec;

/// <summary>
/// Turns a CRD's openAPIV3Schema into a JSON Schema (2020-12) that rejects what the API server rejects, CEL aside:
/// OpenAPI's boolean exclusiveMinimum becomes the numeric form, unknown fields are refused as kubectl's strict field
/// validation does, list-type set means unique items, and the Kubernetes extensions and annotations are dropped.
/// </summary>
internal static class OpenApiToJsonSchema
{
    public static JsonObject Convert(JsonObject openApi)
    {
        var schema = ConvertNode(openApi);
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        return schema;
    }

    private static JsonObject ConvertNode(JsonObject node)
    {
        var result = new JsonObject();
        foreach (var (key, value) in node)
        {
            switch (key)
            {
                case "properties":
                    result[key] = new JsonObject(value!.AsObject().Select(p =>
                        KeyValuePair.Create(p.Key, (JsonNode?)ConvertNode(p.Value!.AsObject()))));
                    break;
                case "items":
                    result[key] = ConvertNode(value!.AsObject());
                    break;
                case "exclusiveMinimum" or "exclusiveMaximum":
                    break;
                case "x-kubernetes-list-type" when (string?)value == "set":
                    result["uniqueItems"] = true;
                    break;
                case "format" when (string?)value == "date-time":
                    result[key] = "date-time";
                    break;
                case "description" or "default" or "nullable" or "format":
                    break;
                case var k when k.StartsWith("x-kubernetes-", StringComparison.Ordinal):
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }

        MoveExclusive(node, result, "exclusiveMinimum", "minimum");
        MoveExclusive(node, result, "exclusiveMaximum", "maximum");
        if (node["properties"] is not null && node["x-kubernetes-preserve-unknown-fields"] is null)
        {
            result["additionalProperties"] = false;
        }

        return result;
    }

    private static void MoveExclusive(JsonObject source, JsonObject result, string exclusive, string bound)
    {
        if (source[exclusive] is JsonValue flag && flag.GetValue<bool>())
        {
            result[exclusive] = source[bound]!.DeepClone();
            result.Remove(bound);
        }
    }
}
