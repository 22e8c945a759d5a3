using System.Globalization;
using System.Text;

namespace Autotune.Agent.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4). Samples are grouped per metric family, so a name
/// reported by two meters still forms one family with one <c># TYPE</c> line; a family whose type disagrees with
/// the first one of that name is dropped rather than breaking the whole scrape.
/// </summary>
internal sealed class PrometheusTextWriter
{
    private readonly Dictionary<string, FamilyBuffer> _families = new(StringComparer.Ordinal);
    private readonly List<FamilyBuffer> _order = [];

    /// <summary>Starts (or continues) a family; returns null when a family of that name but another type exists.</summary>
    public PrometheusFamily? Family(string name, PrometheusType type, string? help)
    {
        if (_families.TryGetValue(name, out var existing))
        {
            return existing.Type == type ? new PrometheusFamily(existing) : null;
        }

        var family = new FamilyBuffer(name, type, help);
        _families.Add(name, family);
        _order.Add(family);
        return new PrometheusFamily(family);
    }

    /// <summary>The whole document.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var family in _order)
        {
            if (!string.IsNullOrEmpty(family.Help))
            {
                text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            }

            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            text.Append(family.Samples);
        }

        return text.ToString();
    }

    /// <summary>A sample value: integers as written, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, others round-trippable.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A label value with backslash, double quote and newline escaped.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string TypeName(PrometheusType type) => type switch
    {
        PrometheusType.Counter => "counter",
        PrometheusType.Gauge => "gauge",
        PrometheusType.Histogram => "histogram",
        _ => "untyped",
    };

    internal sealed class FamilyBuffer(string name, PrometheusType type, string? help)
    {
        public string Name { get; } = name;

        public PrometheusType Type { get; } = type;

        public string? Help { get; } = help;

        public StringBuilder Samples { get; } = new();
    }
}
