using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Cel;

namespace Autotune.KubeApi.Validation;

/// <summary>
/// Evaluates a CRD's x-kubernetes-validations rules (CEL, with the Cel package) on a defaulted object: on every node
/// that is present, with <c>self</c> bound to it and numbers typed by the schema. A rule that does not hold, or fails
/// to evaluate, is a FieldValueInvalid cause on that node with the rule's message. Transition rules (oldSelf) and
/// the API server's CEL cost limits are not implemented. (Adapted from the engine tests' CrdCel.)
/// </summary>
internal static class CelRules
{
    private static readonly CelEnvironment Environment = new(null, null);
    private static readonly ConcurrentDictionary<string, CelProgramDelegate> Programs = new();

    public static List<FieldCause> Failures(JsonNode document, JsonObject schema)
    {
        var failures = new List<FieldCause>();
        Evaluate(document, schema, [], failures);
        return failures;
    }

    private static void Evaluate(JsonNode? node, JsonObject schema, List<string> path, List<FieldCause> failures)
    {
        if (node is null)
        {
            return;
        }

        foreach (var rule in schema["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            var text = (string)rule!["rule"]!;
            if (text.Contains("oldSelf", StringComparison.Ordinal))
            {
                continue;
            }

            var message = (string?)rule["message"] ?? $"failed rule: {text}";
            var kind = node switch { JsonObject => "object", JsonArray => "array", _ => "string" };
            try
            {
                var program = Programs.GetOrAdd(text, Environment.Compile);
                if (program(new Dictionary<string, object?> { ["self"] = ToCel(node, schema) }) is not true)
                {
                    failures.Add(new("FieldValueInvalid", $"Invalid value: \"{kind}\": {message}", SchemaCauses.FieldPath(path)));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add(new("FieldValueInvalid", $"Invalid value: \"{kind}\": {message} (rule failed to evaluate: {e.Message})", SchemaCauses.FieldPath(path)));
            }
        }

        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                Evaluate(obj[name], propertySchema!.AsObject(), [.. path, name], failures);
            }
        }
        else if (node is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Evaluate(array[i], items, [.. path, i.ToString(CultureInfo.InvariantCulture)], failures);
            }
        }
    }

    private static object? ToCel(JsonNode? node, JsonObject? schema) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(
            p => p.Key,
            p => ToCel(p.Value, StructuralSchema.Property(schema, p.Key))),
        JsonArray array => array.Select(i => ToCel(i, schema?["items"] as JsonObject)).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when (string?)schema?["type"] == "integer" => long.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
            JsonValueKind.Number => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
