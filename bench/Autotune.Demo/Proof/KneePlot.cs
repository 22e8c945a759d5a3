using System.Globalization;
using ScottPlot;

namespace Autotune.Demo.Proof;

/// <summary>
/// One profile's ramps as a PNG: client P99 (log scale) against the offered rate for (a) the starting settings,
/// (b) what local mode reached and (c) the cheapest grid point within 2% of the grid's best, each the repeat whose
/// knee is the median; the knee of each marked, with its connections in the legend, and the P99 objective.
/// </summary>
public static class KneePlot
{
    private static readonly (string Phase, string Name, Color Color)[] Phases =
    [
        ("a", "(a) starting", Colors.Gray),
        ("b", "(b) local mode", Colors.Blue),
        ("c", "(c) best static", Colors.Green),
    ];

    /// <summary>The plot's path beside the report: tuning.md -> tuning.fast-async.png.</summary>
    public static string PathFor(string reportPath, string profile)
    {
        ArgumentNullException.ThrowIfNull(reportPath);
        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, $"{Path.GetFileNameWithoutExtension(reportPath)}.{profile}.png");
    }

    /// <summary>The run of <paramref name="phase"/> whose knee is the median of its repeats (the lower middle of an even count), or null.</summary>
    public static RampRun? MedianRun(ProfileResult result, string phase)
    {
        ArgumentNullException.ThrowIfNull(result);
        var runs = result.Runs.Where(r => r.Phase == phase).OrderBy(r => r.HighestHeld).ToList();
        return runs.Count == 0 ? null : runs[(runs.Count - 1) / 2];
    }

    /// <summary>Writes the plot; false (and nothing written) when no phase has a ramp with a step to draw.</summary>
    public static bool Write(string path, ProfileResult result, double objectiveMs)
    {
        ArgumentNullException.ThrowIfNull(result);
        var runs = Phases.Select(p => (p.Name, p.Color, Run: MedianRun(result, p.Phase))).Where(p => p.Run is { Steps.Count: > 0 }).ToList();
        if (runs.Count == 0)
        {
            return false;
        }

        var plot = new Plot();
        plot.Title($"{result.Profile.Name}: client P99 as the offered rate climbs to the knee");
        plot.Axes.Bottom.Label.Text = "offered requests/s";
        plot.Axes.Left.Label.Text = "client P99, ms (log scale)";
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("N0", CultureInfo.InvariantCulture),
        };

        foreach (var (name, color, run) in runs)
        {
            var steps = run!.Steps.Where(s => s.Length > TimeSpan.Zero && s.P99Ms > 0).ToList();
            var line = plot.Add.ScatterLine(
                steps.Select(s => s.Offered / s.Length.TotalSeconds).ToArray(),
                steps.Select(s => Math.Log10(s.P99Ms)).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 6;
            line.LegendText = string.Create(
                CultureInfo.InvariantCulture,
                $"{name}: {run.Settings.Replicas} x pool {run.Settings.Pool} = {run.Settings.Connections} connections, min threads {run.Settings.Threads}; knee {run.HighestHeld:N0} req/s");
            if (run.HighestHeld > 0)
            {
                var knee = plot.Add.VerticalLine(run.HighestHeld);
                knee.Color = color.WithAlpha(0.6);
                knee.LinePattern = LinePattern.Dashed;
            }
        }

        var objective = plot.Add.HorizontalLine(Math.Log10(objectiveMs));
        objective.Color = Colors.Red.WithAlpha(0.5);
        objective.LinePattern = LinePattern.Dotted;
        objective.LegendText = string.Create(CultureInfo.InvariantCulture, $"P99 objective {objectiveMs:0} ms");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1400, 700);
        return true;
    }
}
