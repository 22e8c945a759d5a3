using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace Autotune.Engine.Tests.Spec;

/// <summary>
/// Evaluates the CRD's x-kubernetes-validations rules on a document with a CEL interpreter (the Cel package), the
/// way the API server does: after defaulting, on every node that is present, with <c>self</c> bound to that node and
/// integers and numbers typed by the schema. It checks the rules' logic; the API server's CEL cost and type checks
/// are not reproduced.
/// </summary>
internal static class CrdCel
{
    private static readonly CelEnvironment Environment = new(null, null);
    private static readonly Dictionary<string, CelProgramDelegate> Programs = [];

    // The interpreter's environment is not safe to compile or run on from several threads at once, and test classes
    // run in parallel: one rule at a time.
    private static readonly Lock Gate = new();

    /// <summary>Every rule that does not hold (or fails to evaluate), as (node path, message).</summary>
    public static List<(string Path, string Message)> Failures(JsonNode document)
    {
        var defaulted = CrdDefaults.Apply(document, CrdDocument.OpenApiSchema);
        var failures = new List<(string, string)>();
        Evaluate(defaulted, CrdDocument.OpenApiSchema, string.Empty, failures);
        return failures;
    }

    private static void Evaluate(JsonNode? node, JsonObject schema, string path, List<(string, string)> failures)
    {
        if (node is null)
        {
            return;
        }

        foreach (var rule in schema["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            var text = (string)rule!["rule"]!;
            var message = (string)rule["message"]!;
            lock (Gate)
            {
                try
                {
                    if (!Programs.TryGetValue(text, out var program))
                    {
                        program = Environment.Compile(text);
                        Programs[text] = program;
                    }

                    if (program(new Dictionary<string, object?> { ["self"] = ToCel(node, schema) }) is not true)
                    {
                        failures.Add((path, message));
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures.Add((path, $"{message} (rule failed to evaluate: {e.Message})"));
                }
            }
        }

        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                Evaluate(obj[name], propertySchema!.AsObject(), $"{path}.{name}".TrimStart('.'), failures);
            }
        }
    }

    private static object? ToCel(JsonNode? node, JsonObject? schema) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(
            p => p.Key,
            p => ToCel(p.Value, schema?["properties"]?[p.Key] as JsonObject)),
        JsonArray array => array.Select(i => ToCel(i, schema?["items"] as JsonObject)).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when (string?)schema?["type"] == "integer" => long.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
            JsonValueKind.Number => double.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
