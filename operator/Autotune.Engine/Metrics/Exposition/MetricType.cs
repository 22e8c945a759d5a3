namespace Autotune.Engine.Metrics.Exposition;

/// <summary>The metric types a <c># TYPE</c> line may declare in text format 0.0.4.</summary>
public enum MetricType
{
    /// <summary>No type line, or <c>untyped</c>.</summary>
    Untyped,

    /// <summary><c>counter</c>.</summary>
    Counter,

    /// <summary><c>gauge</c>.</summary>
    Gauge,

    /// <summary><c>histogram</c>.</summary>
    Histogram,

    /// <summary><c>summary</c>.</summary>
    Summary,
}
