using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Resources;
using Json.Schema;

namespace Autotune.KubeApi.Validation;

/// <summary>
/// Admits custom resources the way the API server does before storing them: prunes fields the schema does not
/// know, fills the schema's defaults, then validates against the openAPIV3Schema with JsonSchema.Net (422 Invalid
/// with a cause naming each field), then, when the schema holds, evaluates its CEL rules (x-kubernetes-validations).
/// Built-in types pass through unchanged.
/// </summary>
public sealed class CustomResourceValidator
{
    private readonly ConcurrentDictionary<JsonObject, JsonSchema> _compiled = new(ReferenceEqualityComparer.Instance);

    /// <summary>The object to store (pruned and defaulted), or 422 Invalid.</summary>
    public JsonObject Admit(ResourceType type, string version, JsonObject obj, string name)
    {
        if (type.Schemas?.GetValueOrDefault(version) is not { } openApi)
        {
            return obj;
        }

        var admitted = obj.DeepClone().AsObject();
        StructuralSchema.Prune(admitted, openApi, root: true);
        StructuralSchema.Default(admitted, openApi);

        var schema = _compiled.GetOrAdd(openApi, s => JsonSchema.FromText(OpenApiToJsonSchema.Convert(s).ToJsonString()));
        var withoutMetadata = admitted.DeepClone().AsObject();
        withoutMetadata.Remove("metadata");
        var results = schema.Evaluate(JsonSerializer.SerializeToElement(withoutMetadata), new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        });
        if (results.IsValid)
        {
            var ruleFailures = CelRules.Failures(withoutMetadata, openApi);
            return ruleFailures.Count == 0 ? admitted : throw KubeApiException.Invalid(type, name, ruleFailures);
        }

        var causes = new[] { results }.Concat(results.Details ?? [])
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.SelectMany(e => SchemaCauses.For(
                e.Key, e.Value, Segments(r.InstanceLocation.ToString()), openApi, withoutMetadata)))
            .Distinct()
            .ToList();
        throw KubeApiException.Invalid(type, name, causes);
    }

    private static List<string> Segments(string pointer) =>
        [.. pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
}
