using System.Globalization;
using System.Text.Json.Nodes;
using Autotune.Engine.Resource.Spec.Yaml;
using YamlDotNet.RepresentationModel;

namespace Autotune.Engine.Tests.Spec;

/// <summary>Converts YAML to JSON the way the API server does (plain scalars typed by YAML 1.1 rules).</summary>
internal static class YamlJson
{
    public static List<JsonNode?> ParseAll(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => Convert(d.RootNode)).ToList();
    }

    public static JsonNode? Parse(string yaml) => ParseAll(yaml).Single();

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar) => YamlScalars.KindOf(scalar) switch
    {
        ScalarKind.Null => null,
        ScalarKind.Boolean => JsonValue.Create(YamlScalars.IsTrue(scalar)),
        ScalarKind.Integer => JsonValue.Create(long.Parse(scalar.Value!, CultureInfo.InvariantCulture)),
        ScalarKind.Number => JsonValue.Create(double.Parse(scalar.Value!, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(scalar.Value),
    };
}
