namespace Autotune.Agent.Metrics;

/// <summary>The Prometheus metric types the agent writes.</summary>
internal enum PrometheusType
{
    /// <summary>A monotonic count.</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Cumulative buckets with sum and count.</summary>
    Histogram,
}
