using System.Globalization;
using System.Text.RegularExpressions;
using Autotune.Simulation.Runner;

namespace Autotune.Simulation.Reporting;

/// <summary>
/// The cheapest static setting of each scenario as bench/results/engine.md recorded it, read back so a fast check can
/// judge the engine against it without repeating the exhaustive search.
/// </summary>
public static partial class RecordedOptima
{
    /// <summary>Per scenario name, its recorded optimum, or null where the report found no static setting that meets the objective.</summary>
    public static IReadOnlyDictionary<string, StaticCandidate?> Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var optima = new Dictionary<string, StaticCandidate?>(StringComparer.Ordinal);
        string? scenario = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                scenario = line[4..].Split(' ')[0];
                continue;
            }

            if (scenario is null || !line.StartsWith("| optimum: ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = Setting().Match(line);
            optima[scenario] = match.Success
                ? new StaticCandidate(Int(match, 1), Int(match, 2), Int(match, 3), Int(match, 4))
                : null;
        }

        return optima;
    }

    private static int Int(Match match, int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\| optimum: replicas (\d+), min threads (\d+), pool (\d+), max_connections (\d+) \|")]
    private static partial Regex Setting();
}
