using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Autotune.Charts.Tests;

/// <summary>YAML to JSON as the API server reads it: plain scalars typed (integers, numbers, booleans, null), quoted ones strings.</summary>
internal static class YamlJson
{
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode { Style: ScalarStyle.Plain } plain => Plain(plain.Value ?? string.Empty),
        YamlScalarNode quoted => JsonValue.Create(quoted.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    /// <summary>Whether every field of <paramref name="expected"/> is in <paramref name="actual"/> with the same value (defaults added to actual are fine).</summary>
    public static bool Contains(JsonNode? actual, JsonNode? expected, string path, List<string> missing)
    {
        switch (expected)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (actual is not JsonObject a || !a.ContainsKey(key))
                    {
                        missing.Add($"{path}.{key}");
                        continue;
                    }

                    Contains(a[key], value, $"{path}.{key}", missing);
                }

                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    if (actual is not JsonArray a || a.Count <= i)
                    {
                        missing.Add($"{path}[{i}]");
                        continue;
                    }

                    Contains(a[i], arr[i], $"{path}[{i}]", missing);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(actual, expected))
                {
                    missing.Add($"{path} (sent {expected?.ToJsonString()}, stored {actual?.ToJsonString()})");
                }

                break;
        }

        return missing.Count == 0;
    }

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && char.IsDigit(value[^1]) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
