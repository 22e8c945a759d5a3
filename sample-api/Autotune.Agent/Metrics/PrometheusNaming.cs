using System.Text;

namespace Autotune.Agent.Metrics;

/// <summary>
/// OpenTelemetry instrument names to Prometheus names, by the rules of the OpenTelemetry Prometheus compatibility
/// specification that the OpenTelemetry Prometheus exporter follows: invalid characters become one underscore, the
/// unit (annotations in braces dropped, abbreviations spelled out) is appended unless already there, and monotonic
/// sums end in <c>_total</c>.
/// </summary>
internal static class PrometheusNaming
{
    /// <summary>The Prometheus name of an instrument.</summary>
    public static string MetricName(string instrument, string? unit, bool isCounter)
    {
        var name = Sanitize(instrument, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal) && name != suffix)
        {
            name += "_" + suffix;
        }

        if (isCounter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>The Prometheus label name of an attribute key.</summary>
    public static string LabelName(string key) => Sanitize(key, allowColon: false);

    /// <summary>The unit as a name suffix: <c>s</c> becomes <c>seconds</c>, <c>{connection}</c> nothing, <c>By/s</c> <c>bytes_per_second</c>.</summary>
    public static string UnitSuffix(string? unit)
    {
        if (string.IsNullOrEmpty(unit))
        {
            return string.Empty;
        }

        var bare = RemoveAnnotations(unit);
        var slash = bare.IndexOf('/', StringComparison.Ordinal);
        var word = slash > 0 && slash < bare.Length - 1
            ? Spell(bare[..slash]) + "_per_" + SpellPer(bare[(slash + 1)..])
            : Spell(bare);
        return Sanitize(word, allowColon: false).Trim('_');
    }

    private static string RemoveAnnotations(string unit)
    {
        var result = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private static string Spell(string unit) => unit switch
    {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "1" => string.Empty,
        "%" => "percent",
        "Hz" => "hertz",
        _ => unit,
    };

    private static string SpellPer(string unit) => unit switch
    {
        "s" => "second",
        "min" => "minute",
        "h" => "hour",
        "d" => "day",
        _ => unit,
    };

    private static string Sanitize(string name, bool allowColon)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            if (valid)
            {
                result.Append(c);
            }
            else if (result.Length == 0 || result[^1] != '_')
            {
                result.Append('_');
            }
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }
}
