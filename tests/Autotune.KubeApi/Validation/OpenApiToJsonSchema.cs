using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Validation;

/// <summary>
/// Turns a CRD's openAPIV3Schema into JSON Schema (2020-12) for JsonSchema.Net: OpenAPI's boolean
/// exclusiveMinimum/Maximum become numeric, nullable allows null, int-or-string allows both, list-type set means unique
/// items, and the Kubernetes extensions and annotations are dropped. The API server prunes unknown fields before it
/// validates, so by default none are refused; <c>rejectUnknownFields</c> refuses them instead, as kubectl's strict
/// field validation does (what the CRD tests want of the examples).
/// </summary>
public static class OpenApiToJsonSchema
{
    /// <summary>The JSON Schema of a CRD version's openAPIV3Schema.</summary>
    /// <param name="openApi">The openAPIV3Schema object.</param>
    /// <param name="rejectUnknownFields">Refuse fields the schema does not declare (unless it preserves unknown fields).</param>
    public static JsonObject Convert(JsonObject openApi, bool rejectUnknownFields = false)
    {
        ArgumentNullException.ThrowIfNull(openApi);
        var schema = ConvertNode(openApi, rejectUnknownFields);
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        return schema;
    }

    private static JsonObject ConvertNode(JsonObject node, bool rejectUnknownFields)
    {
        var result = new JsonObject();
        foreach (var (key, value) in node)
        {
            switch (key)
            {
                case "properties":
                    result[key] = new JsonObject(value!.AsObject().Select(p =>
                        KeyValuePair.Create(p.Key, (JsonNode?)ConvertNode(p.Value!.AsObject(), rejectUnknownFields))));
                    break;
                case "items" or "additionalProperties" when value is JsonObject child:
                    result[key] = ConvertNode(child, rejectUnknownFields);
                    break;
                case "x-kubernetes-list-type" when (string?)value == "set":
                    result["uniqueItems"] = true;
                    break;
                case "format" when (string?)value == "date-time":
                    result[key] = "date-time";
                    break;
                case "exclusiveMinimum" or "exclusiveMaximum" or "description" or "default" or "nullable" or "format" or "example":
                    break;
                case "type" when (bool?)node["x-kubernetes-int-or-string"] == true:
                    break;
                case var k when k.StartsWith("x-kubernetes-", StringComparison.Ordinal):
                    break;
                default:
                    result[key] = value?.DeepClone();
                    break;
            }
        }

        if ((bool?)node["x-kubernetes-int-or-string"] == true)
        {
            result["type"] = new JsonArray("integer", "string");
        }

        if ((bool?)node["nullable"] == true && result["type"] is JsonValue type)
        {
            result["type"] = new JsonArray((string?)type, "null");
        }

        MoveExclusive(node, result, "exclusiveMinimum", "minimum");
        MoveExclusive(node, result, "exclusiveMaximum", "maximum");
        if (rejectUnknownFields && node["properties"] is not null && node["additionalProperties"] is null
            && node["x-kubernetes-preserve-unknown-fields"] is null)
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
