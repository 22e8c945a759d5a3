using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Autotune.KubeApi.Tables;

/// <summary>
/// The JSONPath that printer columns use: <c>.a.b</c>, <c>.a['b.c']</c>, <c>.a[0]</c>, <c>.a[-1]</c>, <c>.a[*].b</c> and
/// <c>.a[?(@.type=="Ready")].status</c>. Gives every match, in order; a missing key matches nothing (as the API
/// server's column paths allow missing keys).
/// </summary>
internal static partial class SimpleJsonPath
{
    public static List<JsonNode> Find(JsonNode root, string path)
    {
        var current = new List<JsonNode> { root };
        foreach (Match step in Step().Matches(path.Trim().TrimStart('{').TrimEnd('}')))
        {
            current = [.. current.SelectMany(node => Apply(node, step))];
        }

        return current;
    }

    private static IEnumerable<JsonNode> Apply(JsonNode node, Match step)
    {
        if (step.Groups["name"].Success || step.Groups["quoted"].Success)
        {
            var name = step.Groups["name"].Success ? step.Groups["name"].Value : step.Groups["quoted"].Value;
            if (node is JsonObject obj && obj[name] is { } child)
            {
                yield return child;
            }

            yield break;
        }

        if (node is not JsonArray array)
        {
            yield break;
        }

        if (step.Groups["index"].Success)
        {
            var index = int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
            index = index < 0 ? array.Count + index : index;
            if (index >= 0 && index < array.Count && array[index] is { } item)
            {
                yield return item;
            }

            yield break;
        }

        foreach (var item in array)
        {
            if (item is null)
            {
                continue;
            }

            if (!step.Groups["field"].Success
                || (item is JsonObject candidate && candidate[step.Groups["field"].Value] is JsonValue value
                    && value.GetValueKind() == JsonValueKind.String && (string?)value == step.Groups["value"].Value))
            {
                yield return item;
            }
        }
    }

    [GeneratedRegex("""\.(?<name>[A-Za-z0-9_\-]+)|\[['"](?<quoted>[^'"]+)['"]\]|\[(?<index>-?\d+)\]|\[\*\]|\[\?\(@\.(?<field>[A-Za-z0-9_\-]+)\s*==\s*["'](?<value>[^"']*)["']\)\]""")]
    private static partial Regex Step();
}
