using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Validation;

/// <summary>
/// Walks a CRD's structural openAPIV3Schema alongside an object: the schema of a child field or item, pruning of
/// unknown fields and defaulting, as the API server does before validation.
/// </summary>
public static class StructuralSchema
{
    /// <summary>The schema of property <paramref name="name"/> of an object schema (a declared property or additionalProperties), or null.</summary>
    public static JsonObject? Property(JsonObject? schema, string name) =>
        schema?["properties"]?[name] as JsonObject ?? schema?["additionalProperties"] as JsonObject;

    /// <summary>The schema at a path of property names and array indexes, or null when the schema does not reach it.</summary>
    public static JsonObject? At(JsonObject root, IEnumerable<string> path)
    {
        JsonObject? schema = root;
        foreach (var segment in path)
        {
            schema = (string?)schema?["type"] == "array" ? schema?["items"] as JsonObject : Property(schema, segment);
        }

        return schema;
    }

    /// <summary>Removes fields the schema does not declare (apiVersion, kind and metadata stay at the root), in place.</summary>
    public static void Prune(JsonNode? node, JsonObject? schema, bool root = false)
    {
        if (schema is null || (bool?)schema["x-kubernetes-preserve-unknown-fields"] == true)
        {
            return;
        }

        if (node is JsonObject obj)
        {
            foreach (var name in obj.Select(p => p.Key).ToList())
            {
                if (root && name is "apiVersion" or "kind" or "metadata")
                {
                    continue;
                }

                if (Property(schema, name) is { } child)
                {
                    Prune(obj[name], child);
                }
                else if (schema["properties"] is not null || schema["additionalProperties"] is not null || (string?)schema["type"] == "object")
                {
                    obj.Remove(name);
                }
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Prune(item, items);
            }
        }
    }

    /// <summary>Fills missing fields that have a default, in place, top down (a defaulted object gets its own fields' defaults).</summary>
    public static void Default(JsonNode? node, JsonObject? schema)
    {
        if (node is JsonObject obj && schema?["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                if (obj[name] is null && propertySchema?["default"] is { } value)
                {
                    obj[name] = value.DeepClone();
                }

                Default(obj[name], propertySchema as JsonObject);
            }
        }
        else if (node is JsonArray array && schema?["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Default(item, items);
            }
        }
    }
}
