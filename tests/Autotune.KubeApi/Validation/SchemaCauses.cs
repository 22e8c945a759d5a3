using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;

namespace Autotune.KubeApi.Validation;

/// <summary>Words a JSON Schema failure (a keyword at an instance location) as the API server's field error.</summary>
internal static class SchemaCauses
{
    public static IEnumerable<FieldCause> For(string keyword, string message, IReadOnlyList<string> path, JsonObject root, JsonNode document)
    {
        var field = FieldPath(path);
        var schema = StructuralSchema.At(root, path);
        var value = Find(document, path);
        var shown = value?.ToJsonString() ?? "null";
        switch (keyword)
        {
            case "required":
                foreach (var name in schema?["required"]?.AsArray().Select(n => (string)n!) ?? [])
                {
                    if (value is JsonObject obj && obj[name] is null)
                    {
                        yield return new("FieldValueRequired", "Required value", Join(field, name));
                    }
                }

                yield break;
            case "enum":
                var supported = string.Join(", ", schema?["enum"]?.AsArray().Select(v => v?.ToJsonString()) ?? []);
                yield return new("FieldValueNotSupported", $"Unsupported value: {shown}: supported values: {supported}", field);
                yield break;
            case "type":
                var actual = value switch { JsonObject => "object", JsonArray => "array", null => "null", _ => value.GetValueKind().ToString().ToLowerInvariant() };
                yield return new("FieldValueTypeInvalid", $"Invalid value: \"{actual}\": {field} in body must be of type {(string?)schema?["type"]}: \"{actual}\"", field);
                yield break;
            case "minimum" or "exclusiveMinimum" or "maximum" or "exclusiveMaximum":
                var bound = schema?[keyword.Replace("exclusiveM", "m", StringComparison.Ordinal)]?.ToJsonString();
                var exclusive = (bool?)schema?[keyword.StartsWith("exclusive", StringComparison.Ordinal) ? keyword : "exclusive" + char.ToUpperInvariant(keyword[0]) + keyword[1..]] == true;
                var relation = keyword.Contains("inimum", StringComparison.Ordinal)
                    ? exclusive ? "greater than" : "greater than or equal to"
                    : exclusive ? "less than" : "less than or equal to";
                yield return new("FieldValueInvalid", $"Invalid value: {shown}: {field} in body should be {relation} {bound}", field);
                yield break;
            case "minLength":
                yield return new("FieldValueInvalid", $"Invalid value: {shown}: {field} in body should be at least {Number(schema, keyword)} chars long", field);
                yield break;
            case "maxLength":
                yield return new("FieldValueTooLong", $"Too long: may not be more than {Number(schema, keyword)} bytes", field);
                yield break;
            case "pattern":
                yield return new("FieldValueInvalid", $"Invalid value: {shown}: {field} in body should match '{(string?)schema?["pattern"]}'", field);
                yield break;
            case "minItems":
                yield return new("FieldValueInvalid", $"Invalid value: {(value as JsonArray)?.Count ?? 0}: {field} in body should have at least {Number(schema, keyword)} items", field);
                yield break;
            case "maxItems":
                yield return new("FieldValueTooMany", $"Too many: {(value as JsonArray)?.Count ?? 0}: must have at most {Number(schema, keyword)} items", field);
                yield break;
            case "uniqueItems":
                yield return new("FieldValueDuplicate", $"Duplicate value: {shown}", field);
                yield break;
            case "format":
                yield return new("FieldValueInvalid", $"Invalid value: {shown}: {field} in body must be of type {(string?)schema?["format"]}: {shown}", field);
                yield break;
            default:
                yield return new("FieldValueInvalid", $"Invalid value: {shown}: {message}", field);
                yield break;
        }
    }

    /// <summary>spec.knobs.replicas.min, spec.items[2].name: the API server's way of naming a field.</summary>
    public static string FieldPath(IReadOnlyList<string> path)
    {
        var field = string.Empty;
        foreach (var segment in path)
        {
            field = int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? $"{field}[{segment}]" : Join(field, segment);
        }

        return field.Length == 0 ? "<root>" : field;
    }

    private static string Join(string field, string name) => field is "" or "<root>" ? name : $"{field}.{name}";

    private static string? Number(JsonObject? schema, string keyword) => schema?[keyword]?.ToJsonString();

    private static JsonNode? Find(JsonNode document, IReadOnlyList<string> path)
    {
        JsonNode? node = document;
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject obj => obj[segment],
                JsonArray array when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count => array[i],
                _ => null,
            };
        }

        return node;
    }
}
