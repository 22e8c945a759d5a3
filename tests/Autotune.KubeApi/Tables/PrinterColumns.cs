using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Tables;

/// <summary>
/// A CRD's additionalPrinterColumns as the API server's table convertor evaluates them: NAME first, then each column's
/// JSONPath on the object (the first match; none is an empty cell), a string column printed as text, an integer,
/// number or boolean column as that JSON value, a date column as an age.
/// </summary>
internal static class PrinterColumns
{
    public static List<TableColumn> Of(JsonArray columns)
    {
        var result = new List<TableColumn> { TableColumn.ObjectName };
        foreach (var column in columns.OfType<JsonObject>())
        {
            var path = (string?)column["jsonPath"] ?? string.Empty;
            var type = (string?)column["type"] ?? "string";
            result.Add(new TableColumn(
                (string?)column["name"] ?? path,
                type,
                (string?)column["description"] ?? $"Custom resource definition column (in JSONPath format): {path}",
                (obj, now) => SimpleJsonPath.Find(obj, path) is [var first, ..] ? Cell(type, first, now) : null,
                (int?)column["priority"] ?? 0,
                (string?)column["format"] ?? string.Empty));
        }

        return result;
    }

    private static JsonNode? Cell(string type, JsonNode value, DateTimeOffset now)
    {
        var kind = value.GetValueKind();
        return type switch
        {
            "string" => kind == JsonValueKind.String ? (string?)value : value.ToJsonString(),
            "integer" when kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => whole,
            "number" when kind == JsonValueKind.Number => value.DeepClone(),
            "boolean" when kind is JsonValueKind.True or JsonValueKind.False => value.DeepClone(),
            "date" when kind == JsonValueKind.String => HumanDuration.Since((string?)value, now),
            _ => null,
        };
    }
}
