namespace Autotune.Engine.Metrics.Exposition;

/// <summary>One value of one series from one scrape (or one Prometheus query step).</summary>
/// <param name="Series">The series.</param>
/// <param name="Value">The value; may be NaN or infinite.</param>
/// <param name="TimestampMs">The exporter's timestamp in Unix milliseconds, when it wrote one.</param>
public readonly record struct Sample(Series Series, double Value, long? TimestampMs = null);
