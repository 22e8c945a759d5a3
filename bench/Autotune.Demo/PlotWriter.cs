using ScottPlot;

namespace Autotune.Demo;

/// <summary>The PNG: throughput (left axis) and P99 (right axis, log scale) per second over the whole demo, the phases shaded, each Event marked.</summary>
public static class PlotWriter
{
    /// <summary>Writes the plot to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<PhaseResult> phases, IReadOnlyList<LocalRecord.Event> events, double objectiveMs)
    {
        var origin = phases[0].StartedAt;
        double X(DateTimeOffset t) => (t - origin).TotalSeconds;

        var plot = new Plot();
        // No title: the Event labels use the space above the data (the report's heading names the plot).
        var top = phases.SelectMany(p => p.Seconds).Select(s => Math.Max(s.OfferedRate, s.CompletedRate)).DefaultIfEmpty(100).Max() * 1.15;
        plot.Axes.Bottom.Label.Text = "seconds since the load started";
        plot.Axes.Left.Label.Text = "requests/s";
        plot.Axes.Right.Label.Text = "p99 latency, ms (log scale)";
        plot.Axes.Right.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        };

        Color[] shades = [Colors.Orange, Colors.Gray, Colors.Green];
        foreach (var (phase, i) in phases.Select((p, i) => (p, i)).Where(p => p.p.Seconds.Count > 0))
        {
            var first = X(phase.StartedAt);
            var last = X(phase.StartedAt + phase.Seconds[^1].Start + phase.Seconds[^1].Length);
            var span = plot.Add.HorizontalSpan(first, last);
            span.FillStyle.Color = shades[i % shades.Length].WithAlpha(0.08);
            span.LineStyle.Width = 0;
            var label = plot.Add.Text(phase.Name, first + 2, top * 0.97);
            label.LabelFontSize = 14;
            label.LabelBold = true;
            label.Alignment = Alignment.UpperLeft;

            var xs = phase.Seconds.Select(s => X(phase.StartedAt + s.Start + (s.Length / 2))).ToArray();
            AddLine(plot, xs, phase.Seconds.Select(s => s.OfferedRate).ToArray(), Colors.Gray, "offered req/s", i == 0, dashed: true, right: false);
            AddLine(plot, xs, phase.Seconds.Select(s => s.CompletedRate).ToArray(), Colors.Blue, "completed 2xx/s", i == 0, dashed: false, right: false);
            AddLine(plot, xs, phase.Seconds.Select(s => s.P99Ms > 0 ? Math.Log10(s.P99Ms) : double.NaN).ToArray(), Colors.Red, "p99 ms (right)", i == 0, dashed: false, right: true);
        }

        var objective = plot.Add.HorizontalLine(Math.Log10(objectiveMs));
        objective.Axes.YAxis = plot.Axes.Right;
        objective.Color = Colors.Red.WithAlpha(0.5);
        objective.LinePattern = LinePattern.Dotted;
        objective.LegendText = $"p99 objective {objectiveMs:0} ms (right)";

        foreach (var e in events.Where(e => e.Reason != "ReplicasRecommendedOnly"))
        {
            var line = plot.Add.VerticalLine(X(e.Time));
            line.Color = e.Type == "Warning" ? Colors.DarkOrange : Colors.DarkGreen;
            line.LineWidth = 1.5f;
            line.Text = e.Reason;
            line.LabelOppositeAxis = true;
            line.LabelFontSize = 9;
        }

        plot.Axes.SetLimitsY(0, top, plot.Axes.Left);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1600, 800);
    }

    private static void AddLine(Plot plot, double[] xs, double[] ys, Color color, string legend, bool withLegend, bool dashed, bool right)
    {
        var points = xs.Zip(ys).Where(p => double.IsFinite(p.Second)).ToArray();
        if (points.Length == 0)
        {
            return;
        }

        var line = plot.Add.ScatterLine(points.Select(p => p.First).ToArray(), points.Select(p => p.Second).ToArray());
        line.Color = color;
        line.LineWidth = dashed ? 1 : 2;
        line.LinePattern = dashed ? LinePattern.Dashed : LinePattern.Solid;
        if (withLegend)
        {
            line.LegendText = legend;
        }

        if (right)
        {
            line.Axes.YAxis = plot.Axes.Right;
        }
    }
}
