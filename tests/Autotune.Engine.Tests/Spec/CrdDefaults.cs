using System.Text.Json.Nodes;

namespace Autotune.Engine.Tests.Spec;

/// <summary>Fills a document with the schema's defaults, as the API server does before validation.</summary>
internal static class CrdDefaults
{
    public static JsonNode Apply(JsonNode document, JsonObject schema)
    {
        var copy = document.DeepClone();
        Fill(copy, schema);
        return copy;
    }

    private static void Fill(JsonNode? node, JsonObject schema)
    {
        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                if (obj[name] is null && propertySchema!["default"] is { } value)
                {
                    obj[name] = value.DeepClone();
                }

                Fill(obj[name], propertySchema!.AsObject());
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Fill(item, items);
            }
        }
    }
}
