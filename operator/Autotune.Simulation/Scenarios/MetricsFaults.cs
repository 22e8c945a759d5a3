namespace Autotune.Simulation.Scenarios;

/// <summary>What goes wrong with the metrics path in a scenario: lost scrapes, outages, noise on gauges.</summary>
public sealed record MetricsFaults
{
    /// <summary>No faults.</summary>
    public static MetricsFaults None { get; } = new();

    /// <summary>Probability that one scrape of one pod gets no answer.</summary>
    public double ScrapeLossProbability { get; init; }

    /// <summary>Intervals (start, end in seconds) in which no pod can be scraped.</summary>
    public IReadOnlyList<(double Start, double End)> Outages { get; init; } = [];

    /// <summary>Relative noise (standard deviation) added to every gauge sample and to scrape latency.</summary>
    public double GaugeNoise { get; init; }

    /// <summary>True when the scrape at <paramref name="time"/> falls in an outage.</summary>
    public bool InOutage(double time) => Outages.Any(o => time >= o.Start && time < o.End);
}
