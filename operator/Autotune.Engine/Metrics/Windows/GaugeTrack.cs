namespace Autotune.Engine.Metrics.Windows;

/// <summary>A gauge's value at every scrape of one pod: first, last, mean, min, max and least-squares slope per second.</summary>
internal sealed class GaugeTrack
{
    private readonly List<(double Seconds, double Value)> points = [];

    public int Count => points.Count;

    public double First => points.Count == 0 ? double.NaN : points[0].Value;

    public double Last => points.Count == 0 ? double.NaN : points[^1].Value;

    public double Mean => points.Count == 0 ? double.NaN : points.Average(p => p.Value);

    public double Min => points.Count == 0 ? double.NaN : points.Min(p => p.Value);

    public double Max => points.Count == 0 ? double.NaN : points.Max(p => p.Value);

    public void Add(double seconds, double value)
    {
        if (!double.IsNaN(value))
        {
            points.Add((seconds, value));
        }
    }

    /// <summary>Ordinary least-squares slope of value over time; NaN with fewer than two points or no time spread.</summary>
    public double SlopePerSecond()
    {
        if (points.Count < 2)
        {
            return double.NaN;
        }

        double meanT = 0, meanV = 0;
        foreach (var (t, v) in points)
        {
            meanT += t;
            meanV += v;
        }

        meanT /= points.Count;
        meanV /= points.Count;
        double covariance = 0, variance = 0;
        foreach (var (t, v) in points)
        {
            covariance += (t - meanT) * (v - meanV);
            variance += (t - meanT) * (t - meanT);
        }

        return variance == 0 ? double.NaN : covariance / variance;
    }
}
