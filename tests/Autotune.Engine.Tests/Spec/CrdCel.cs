using System.Text.Json;
using System.Text.Json.Nodes;
using Cel;

namespace Autotune.Engine.Tests.Spec;

/// <summary>
/// Evaluates the CRD's x-kubernetes-validations rules on a document with a CEL interpreter (the Cel package), the
/// way the API server does: after defaulting, on every node that is present, with <c>self</c> bound to that node and
/// integers and numbers typed by the schema. It checks the rules' logic; the API server's CEL cost and type checks
/// are not reproduced. A rule that fails to compile or to evaluate, or that yields anything but a boolean, is a
/// broken rule, never the rule's own verdict: <see cref="Failures(JsonNode)"/> throws <see cref="CelEvaluationException"/>,
/// so an invalid example cannot pass by breaking the rule it is meant to break.
/// </summary>
internal static class CrdCel
{
    private static readonly CelEnvironment Environment = new(null, null);
    private static readonly Dictionary<string, CelProgramDelegate> Programs = [];

    // The interpreter's environment is not safe to compile or run on from several threads at once, and test classes
    // run in parallel: one rule at a time.
    private static readonly Lock Gate = new();

    /// <summary>Every rule of the CRD that evaluates to false on the document, as (node path, message).</summary>
    public static List<(string Path, string Message)> Failures(JsonNode document) => Failures(document, CrdDocument.OpenApiSchema);

    /// <summary>Every rule of <paramref name="schema"/> that evaluates to false on the document, as (node path, message).</summary>
    public static List<(string Path, string Message)> Failures(JsonNode document, JsonObject schema)
    {
        var defaulted = CrdDefaults.Apply(document, schema);
        var failures = new List<(string, string)>();
        var errors = new List<string>();
        Evaluate(defaulted, schema, string.Empty, failures, errors);
        return errors.Count == 0 ? failures : throw new CelEvaluationException(errors);
    }

    private static void Evaluate(JsonNode? node, JsonObject schema, string path, List<(string, string)> failures, List<string> errors)
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

                    switch (program(new Dictionary<string, object?> { ["self"] = ToCel(node, schema) }))
                    {
                        case true:
                            break;
                        case false:
                            failures.Add((path, message));
                            break;
                        case var other:
                            errors.Add($"{Where(path)}: rule `{text}` gave {other?.GetType().Name ?? "null"} '{other}', not a boolean");
                            break;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    errors.Add($"{Where(path)}: rule `{text}` failed to evaluate: {e.Message}");
                }
            }
        }

        if (node is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                Evaluate(obj[name], propertySchema!.AsObject(), $"{path}.{name}".TrimStart('.'), failures, errors);
            }
        }

        // Rules on an array's items hold for every item, as the API server checks them.
        if (node is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Evaluate(item, items, path, failures, errors);
            }
        }
    }

    private static string Where(string path) => path.Length == 0 ? "the document" : path;

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

/// <summary>A CEL rule that could not be evaluated (it does not compile, meets a missing field, yields a non-boolean): the rule is broken.</summary>
internal sealed class CelEvaluationException(IReadOnlyList<string> errors)
    : Exception($"{errors.Count} CEL rule(s) could not be evaluated: {string.Join("; ", errors)}")
{
    /// <summary>One line per rule and node that failed to evaluate.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
