namespace Autotune.Contracts;

/// <summary>How a series is read over a window: counters and histograms by delta, gauges by every sample.</summary>
public enum MetricKind
{
    /// <summary>Monotonic; exported with the <c>_total</c> suffix.</summary>
    Counter,

    /// <summary>A value that goes up and down (OpenTelemetry gauges and up-down counters).</summary>
    Gauge,

    /// <summary>Exported as <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series.</summary>
    Histogram,
}

/// <summary>One metric of the agent-operator contract: its OpenTelemetry instrument and its Prometheus exposition name.</summary>
/// <param name="Instrument">The OpenTelemetry instrument name, as the meter creates it.</param>
/// <param name="Prometheus">
/// The Prometheus series name (for histograms the base name, before <c>_bucket</c>/<c>_sum</c>/<c>_count</c>;
/// for counters including <c>_total</c>).
/// </param>
/// <param name="Kind">How the operator reads it over a window.</param>
/// <param name="Meter">The meter that publishes it.</param>
public sealed record MetricName(string Instrument, string Prometheus, MetricKind Kind, string Meter)
{
    /// <summary>The <c>_bucket</c> series of a histogram.</summary>
    public string Bucket => Kind == MetricKind.Histogram ? Prometheus + "_bucket" : throw NotHistogram();

    /// <summary>The <c>_sum</c> series of a histogram.</summary>
    public string Sum => Kind == MetricKind.Histogram ? Prometheus + "_sum" : throw NotHistogram();

    /// <summary>The <c>_count</c> series of a histogram.</summary>
    public string Count => Kind == MetricKind.Histogram ? Prometheus + "_count" : throw NotHistogram();

    private InvalidOperationException NotHistogram() => new($"{Instrument} is a {Kind}, not a histogram");
}
