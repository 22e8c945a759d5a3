using System.Text;

namespace Autotune.Agent.Metrics;

/// <summary>Appends samples to one family of a <see cref="PrometheusTextWriter"/>.</summary>
internal readonly struct PrometheusFamily
{
    private readonly PrometheusTextWriter.FamilyBuffer _family;

    internal PrometheusFamily(PrometheusTextWriter.FamilyBuffer family) => _family = family;

    /// <summary>Writes <c>name{labels} value</c>, where name is the family name plus <paramref name="suffix"/> (e.g. <c>_bucket</c>).</summary>
    public void Sample(string suffix, IReadOnlyList<KeyValuePair<string, string>> labels, double value, KeyValuePair<string, string>? extraLabel = null)
    {
        var text = _family.Samples;
        text.Append(_family.Name).Append(suffix);
        if (labels.Count > 0 || extraLabel is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                AppendLabel(text, key, labelValue, ref first);
            }

            if (extraLabel is { } extra)
            {
                AppendLabel(text, extra.Key, extra.Value, ref first);
            }

            text.Append('}');
        }

        text.Append(' ').Append(PrometheusTextWriter.FormatValue(value)).Append('\n');
    }

    private static void AppendLabel(StringBuilder text, string key, string value, ref bool first)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(key).Append("=\"").Append(PrometheusTextWriter.EscapeLabelValue(value)).Append('"');
    }
}
