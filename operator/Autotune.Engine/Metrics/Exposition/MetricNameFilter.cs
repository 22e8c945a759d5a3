namespace Autotune.Engine.Metrics.Exposition;

/// <summary>Says whether the samples of a metric name are kept (see <see cref="ExpositionParser"/>).</summary>
/// <param name="name">The metric name as written (for a histogram, including <c>_bucket</c>, <c>_sum</c> or <c>_count</c>).</param>
public delegate bool MetricNameFilter(ReadOnlySpan<char> name);
