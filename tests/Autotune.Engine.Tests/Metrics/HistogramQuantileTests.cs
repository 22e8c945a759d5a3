using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Histograms;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>Cases and expected values from Prometheus's promql/promqltest/testdata/histograms.test.</summary>
public sealed class HistogramQuantileTests
{
    // testhistogram at 50m: 10 samples of 0+5x10, 0+7x10, ... per bucket.
    private static Bucket[] Positive() => Buckets(("0.1", 50), (".2", 70), ("1e0", 110), ("+Inf", 120));

    private static Bucket[] Negative() => Buckets(("-.2", 10), ("-0.1", 20), ("0.3", 20), ("+Inf", 30));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.2, 0.048)]
    [InlineData(0.5, 0.15)]
    [InlineData(0.8, 0.72)]
    [InlineData(1, 1)]
    public void Matches_prometheus_on_a_positive_histogram(double q, double expected) =>
        Assert.Equal(expected, HistogramQuantile.Quantile(q, Positive()), 12);

    [Theory]
    [InlineData(0, -0.2)]
    [InlineData(0.2, -0.2)]
    [InlineData(0.5, -0.15)]
    [InlineData(0.8, 0.3)]
    [InlineData(1, 0.3)]
    public void Matches_prometheus_when_the_lowest_bucket_is_negative(double q, double expected) =>
        Assert.Equal(expected, HistogramQuantile.Quantile(q, Negative()), 12);

    [Theory]
    [InlineData(1.0 / 6, 1)]
    [InlineData(0.5, 3)]
    [InlineData(5.0 / 6, 5)]
    public void Lands_in_the_middle_of_a_bucket_when_the_rank_is_half_way(double q, double expected) =>
        Assert.Equal(expected, HistogramQuantile.Quantile(q, Buckets(("0", 0), ("2", 1), ("4", 2), ("6", 3), ("+Inf", 3))), 12);

    [Theory]
    [InlineData(0, 0, -0.25)]
    [InlineData(0.25, 0.055, -0.225)]
    [InlineData(0.5, 0.125, -0.2)]
    [InlineData(0.75, 0.45, -0.15)]
    [InlineData(1, 1, -0.1)]
    public void Matches_prometheus_on_histograms_with_an_empty_top_bucket(double q, double positive, double negative)
    {
        var pos = Buckets(("0", 0), ("0.1", 50), (".2", 70), ("1e0", 110), ("+Inf", 110));
        var neg = Buckets(("-.25", 0), ("-.2", 10), ("-0.1", 20), ("0.3", 20), ("+Inf", 20));

        Assert.Equal(positive, HistogramQuantile.Quantile(q, pos), 12);
        Assert.Equal(negative, HistogramQuantile.Quantile(q, neg), 12);
    }

    [Fact]
    public void Aggregates_jobs_and_instances_summed_by_le()
    {
        // sum by (le) (rate(request_duration_seconds_bucket[10m])) over job1/job2 x ins1/ins2: counts 1+2+3+4, 3+5+4+7, 4+6+6+9.
        var summed = Buckets(("0.1", 10), ("0.2", 19), ("+Inf", 25));

        Assert.Equal(0.075, HistogramQuantile.Quantile(0.3, (Bucket[])summed.Clone()), 12);
        Assert.Equal(0.1277777777777778, HistogramQuantile.Quantile(0.5, summed), 12);
    }

    [Theory]
    [InlineData(0.01, 0.0045)]
    [InlineData(0.5, 8.5)]
    [InlineData(0.99, 979.75)]
    public void Forces_non_monotonic_buckets_monotonic_like_prometheus(double q, double expected)
    {
        var buckets = Buckets(("0.1", 2), ("1", 1), ("10", 5), ("100", 4), ("1000", 9), ("+Inf", 8));

        Assert.Equal(expected, HistogramQuantile.Quantile(q, buckets), 9);
    }

    [Theory]
    [InlineData(0.5, 0.15)]
    [InlineData(0.75, 0.2)]
    [InlineData(1, 0.2)]
    public void Merges_buckets_whose_le_is_written_differently(double q, double expected)
    {
        var buckets = Buckets(("0.1", 1), ("0.2", 1), ("2e-1", 1), ("2.0e-1", 1), ("+Inf", 4));

        Assert.Equal(expected, HistogramQuantile.Quantile(q, buckets), 12);
    }

    [Fact]
    public void Returns_nan_or_infinities_where_prometheus_does()
    {
        Assert.True(double.IsNaN(HistogramQuantile.Quantile(0.5, Buckets(("+inf", 0), ("+Inf", 0)))));
        Assert.True(double.IsNaN(HistogramQuantile.Quantile(0.2, Buckets(("0.1", 0), ("0.2", 0), ("+Inf", 0)))));
        Assert.True(double.IsNaN(HistogramQuantile.Quantile(0.5, Buckets(("0.1", 1), ("0.2", 2)))));
        Assert.True(double.IsNaN(HistogramQuantile.Quantile(double.NaN, Positive())));
        Assert.True(double.IsNaN(HistogramQuantile.Quantile(0.5, [])));
        Assert.Equal(double.NegativeInfinity, HistogramQuantile.Quantile(-0.1, Positive()));
        Assert.Equal(double.PositiveInfinity, HistogramQuantile.Quantile(1.01, Positive()));
    }

    [Theory]
    [InlineData(4, 0.6666666666666666)]
    [InlineData(6, 1)]
    [InlineData(3.5, 0.5833333333333334)]
    public void Share_at_or_under_matches_histogram_fraction(double value, double expected) =>
        Assert.Equal(expected, HistogramQuantile.ShareAtOrUnder(value, Buckets(("0", 0), ("2", 10), ("4", 20), ("6", 30), ("+Inf", 30))), 12);

    [Fact]
    public void Share_at_or_under_counts_the_top_bucket_as_over_and_a_bound_exactly()
    {
        var buckets = Buckets(("0", 0), ("0.1", 50), (".2", 70), ("1e0", 110), ("+Inf", 120));

        Assert.Equal(70.0 / 120, HistogramQuantile.ShareAtOrUnder(0.2, (Bucket[])buckets.Clone()), 12);
        Assert.Equal(110.0 / 120, HistogramQuantile.ShareAtOrUnder(50, (Bucket[])buckets.Clone()), 12);
        Assert.Equal(0.0, HistogramQuantile.ShareAtOrUnder(0, (Bucket[])buckets.Clone()), 12);
        Assert.Equal(25.0 / 120, HistogramQuantile.ShareAtOrUnder(0.05, buckets), 12);
    }

    private static Bucket[] Buckets(params (string Le, double Count)[] buckets) =>
        buckets.Select(b => new Bucket(PromFloat.Parse(b.Le), b.Count)).ToArray();
}
