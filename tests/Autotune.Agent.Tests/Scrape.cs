using System.Globalization;

namespace Autotune.Agent.Tests;

/// <summary>A parsed Prometheus text scrape: every sample with its series name, labels and value.</summary>
internal sealed class Scrape
{
    private Scrape(string text, IReadOnlyList<Sample> samples)
    {
        Text = text;
        Samples = samples;
    }

    public string Text { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public IReadOnlySet<string> SeriesNames => Samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    public static Scrape Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            var name = brace >= 0 ? line[..brace] : line[..space];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
            {
                var body = line[(brace + 1)..line.LastIndexOf('}')];
                foreach (var pair in SplitLabels(body))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    labels[pair[..eq]] = pair[(eq + 2)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                }
            }

            var valueText = line[(space + 1)..];
            var value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(name, labels, value));
        }

        return new Scrape(text, samples);
    }

    /// <summary>The sum of the samples of a series whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>The single value of an unlabelled series, or null when absent.</summary>
    public double? Value(string name) => Samples.FirstOrDefault(s => s.Name == name)?.Value;

    private static IEnumerable<string> SplitLabels(string body)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\')
            {
                i++;
            }
            else if (body[i] == '"')
            {
                quoted = !quoted;
            }
            else if (body[i] == ',' && !quoted)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }

        if (start < body.Length)
        {
            yield return body[start..];
        }
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
