using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.OpenApi;

/// <summary>A kind's published schema: its root component and every component it references.</summary>
internal sealed record TypeSchema(JsonObject Root, IReadOnlyDictionary<string, JsonObject> Components)
{
    private static readonly ConcurrentDictionary<Type, TypeSchema> BuiltIn = new();
    private static readonly ConditionalWeakTable<JsonObject, TypeSchema> Custom = new();

    /// <summary>The schema of <paramref name="type"/> at <paramref name="version"/>, or null for a built-in kind KubernetesClient has no model of.</summary>
    public static TypeSchema? Of(ResourceType type, string version)
    {
        if (type.Schemas is not null)
        {
            var key = type.Schemas.GetValueOrDefault(version);
            return key is null ? Build(CustomResourceSchemas.For(type, version), CustomResourceSchemas.NameOf(type, version, type.Kind))
                : Custom.GetValue(key, _ => Build(CustomResourceSchemas.For(type, version), CustomResourceSchemas.NameOf(type, version, type.Kind)));
        }

        return ModelSchemas.ModelOf(type.Group, version, type.Kind) is { } model
            ? BuiltIn.GetOrAdd(model, m => Build(ModelSchemas.Reachable([m]), ModelSchemas.NameOf(m)))
            : null;
    }

    /// <summary>The schema a reference points at (<c>$ref</c>, or a single <c>allOf</c> reference as the API server writes fields), else the schema itself.</summary>
    public JsonObject? Resolve(JsonObject? schema)
    {
        while (schema is not null)
        {
            var reference = (string?)schema["$ref"] ?? (schema["allOf"] is JsonArray { Count: 1 } all ? (string?)all[0]?["$ref"] : null);
            if (reference is null)
            {
                return schema;
            }

            schema = Components.GetValueOrDefault(reference["#/components/schemas/".Length..]);
        }

        return null;
    }

    private static TypeSchema Build(Dictionary<string, JsonObject> components, string root) => new(components[root], components);
}
