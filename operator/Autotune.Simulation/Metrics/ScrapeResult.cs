namespace Autotune.Simulation.Metrics;

/// <summary>One scrape of one pod: the body (null when the scrape failed), when, and how long it took.</summary>
/// <param name="Pod">Pod name.</param>
/// <param name="Time">Simulated time of the scrape (seconds).</param>
/// <param name="Text">The Prometheus text, or null for a failed scrape.</param>
/// <param name="LatencyMs">Time the scrape took, in milliseconds.</param>
public sealed record ScrapeResult(string Pod, double Time, string? Text, double LatencyMs);
