using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Validation;
using Json.Schema;

namespace Autotune.Engine.Tests.Spec;

/// <summary>
/// Validates ApiTuning documents against the CRD's openAPIV3Schema converted to JSON Schema (JsonSchema.Net): what
/// the API server checks before CEL. The CEL rules are evaluated by <see cref="CrdCel"/>.
/// </summary>
internal static class CrdSchemaValidator
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(OpenApiToJsonSchema.Convert(CrdDocument.OpenApiSchema, rejectUnknownFields: true).ToJsonString()));

    /// <summary>Every error as (instance location as a JSON pointer, message); empty when the document is valid.</summary>
    public static List<(string Location, string Message)> Errors(JsonNode document)
    {
        var element = JsonSerializer.SerializeToElement(document);
        var results = Schema.Value.Evaluate(element, new EvaluationOptions
        {
            OutputFormat = OutputFormat.List,
            RequireFormatValidation = true,
        });
        if (results.IsValid)
        {
            return [];
        }

        return new[] { results }.Concat(results.Details ?? [])
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.Select(e => (r.InstanceLocation.ToString().TrimStart('#'), $"{e.Key}: {e.Value}")))
            .ToList();
    }

    /// <summary>The JSON pointer of a field path: spec.postgres.maintenanceWindow.days[1] -> /spec/postgres/maintenanceWindow/days/1.</summary>
    public static string Pointer(string field) =>
        "/" + field.Replace("[", ".", StringComparison.Ordinal).Replace("]", string.Empty, StringComparison.Ordinal).Replace('.', '/');
}
