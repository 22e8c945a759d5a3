using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.KubeApi.OpenApi;

namespace Autotune.KubeApi.Validation;

/// <summary>
/// The fields of an object that its kind's schema does not declare, named as the API server's strict decoding names
/// them (<c>spec.template.spec.containers[0].foo</c>): what fieldValidation=Strict refuses and Warn warns about. A
/// schema that preserves unknown fields, or says nothing of an object's fields, accepts any.
/// </summary>
internal static class UnknownFields
{
    public static List<string> Find(JsonObject obj, TypeSchema schema)
    {
        var found = new List<string>();
        Walk(obj, schema.Root, string.Empty, schema, found);
        return found;
    }

    private static void Walk(JsonNode? node, JsonObject? declared, string path, TypeSchema types, List<string> found)
    {
        var schema = types.Resolve(declared);
        if (schema is null || node is null || (bool?)schema["x-kubernetes-preserve-unknown-fields"] == true)
        {
            return;
        }

        if (node is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"];
            if (properties is null && additional is not JsonObject)
            {
                return;
            }

            foreach (var (name, value) in obj)
            {
                var field = path.Length == 0 ? name : $"{path}.{name}";
                if (properties?[name] is JsonObject child)
                {
                    Walk(value, child, field, types, found);
                }
                else if (additional is JsonObject values)
                {
                    Walk(value, values, field, types, found);
                }
                else if (additional is null || (additional is JsonValue allowed && !allowed.GetValue<bool>()))
                {
                    found.Add(field);
                }
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Walk(array[i], items, $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", types, found);
            }
        }
    }
}
