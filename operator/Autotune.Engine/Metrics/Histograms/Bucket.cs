namespace Autotune.Engine.Metrics.Histograms;

/// <summary>One cumulative histogram bucket: observations at or under <see cref="UpperBound"/> (the <c>le</c> label).</summary>
public record struct Bucket(double UpperBound, double Count);
