using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Autotune.Engine.Resource.Spec.Yaml;

/// <summary>What a YAML scalar is, read the way kubectl reads it (YAML 1.1 plain scalars: yes/no/on/off are booleans).</summary>
internal enum ScalarKind
{
    Null,
    Boolean,
    Integer,
    Number,
    String,
}

/// <summary>Classifies YAML scalars like the API server's YAML-to-JSON conversion does, so type errors match.</summary>
internal static partial class YamlScalars
{
    private static readonly HashSet<string> Nulls = ["", "~", "null", "Null", "NULL"];

    private static readonly HashSet<string> Trues = ["true", "True", "TRUE", "yes", "Yes", "YES", "y", "Y", "on", "On", "ON"];

    private static readonly HashSet<string> Falses = ["false", "False", "FALSE", "no", "No", "NO", "n", "N", "off", "Off", "OFF"];

    public static ScalarKind KindOf(YamlScalarNode node)
    {
        if (node.Style is not YamlDotNet.Core.ScalarStyle.Plain || node.Tag == "tag:yaml.org,2002:str")
        {
            return ScalarKind.String;
        }

        var text = node.Value ?? string.Empty;
        return text switch
        {
            _ when Nulls.Contains(text) => ScalarKind.Null,
            _ when Trues.Contains(text) || Falses.Contains(text) => ScalarKind.Boolean,
            _ when IntegerPattern().IsMatch(text) => ScalarKind.Integer,
            _ when NumberPattern().IsMatch(text) => ScalarKind.Number,
            _ => ScalarKind.String,
        };
    }

    public static bool IsTrue(YamlScalarNode node) => Trues.Contains(node.Value ?? string.Empty);

    public static string Describe(YamlScalarNode node) => KindOf(node) switch
    {
        ScalarKind.Null => "null",
        ScalarKind.Boolean => $"the boolean {node.Value}",
        ScalarKind.Integer => $"the integer {node.Value}",
        ScalarKind.Number => $"the number {node.Value}",
        _ => $"the string \"{node.Value}\"",
    };

    public static bool TryInteger(YamlScalarNode node, out long value)
    {
        value = 0;
        return KindOf(node) == ScalarKind.Integer &&
               long.TryParse(node.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryNumber(YamlScalarNode node, out double value)
    {
        value = 0;
        return KindOf(node) is ScalarKind.Integer or ScalarKind.Number &&
               double.TryParse(node.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value) &&
               double.IsFinite(value);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\\.(inf|Inf|INF)$|^\\.(nan|NaN|NAN)$")]
    private static partial Regex NumberPattern();
}
