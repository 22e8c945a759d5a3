using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Histograms;
using Autotune.Engine.Metrics.Prometheus;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>
/// Responses recorded from a real Prometheus 2.42 holding two pods over one minute (pod b restarts mid-window, one scrape
/// of pod a times out); Fixtures/prometheus/queries.tsv holds the queries, built by <see cref="PromQueries"/>. The aggregate
/// queries use a 60.001 s range so the first sample is inside it; increase() then extrapolates by that 1 ms, hence the
/// 1e-4 relative tolerance on totals; a bucket that starts the window at zero is not extrapolated below zero, which moves
/// Prometheus's quantile by a few parts in 1e8. On the same bucket increases the quantile agrees exactly, as do means and slopes.
/// </summary>
public sealed class PrometheusWindowTests
{
    private static readonly Lazy<ObservedWindow> Window = new(() =>
    {
        var matrix = PromResponseReader.Read(Fixture.Read("prometheus/query_range-raw.json"));
        Assert.True(matrix.Succeeded, matrix.Error);
        var scrapes = PromScrapes.FromMatrix(matrix.Series, scrapeTimeout: TimeSpan.FromSeconds(2));
        return WindowBuilder.Build(scrapes, new WindowOptions { MinScrapes = 4 });
    });

    [Fact]
    public void Quantiles_from_query_range_equal_prometheus_histogram_quantile()
    {
        Assert.Equal(1000 * Instant("p99"), Window.Value.P99Ms, Relative(1000 * Instant("p99")) / 100);
        Assert.Equal(1000 * Instant("p50"), Window.Value.P50Ms, Relative(1000 * Instant("p50")) / 100);
    }

    [Fact]
    public void Bucket_increases_from_prometheus_give_its_own_quantile()
    {
        var buckets = Read("buckets").Series
            .Select(s => new Bucket(PromFloat.Parse(s.Series.Get("le")!), s.Points[0].Value))
            .ToArray();

        Assert.Equal(Instant("p99"), HistogramQuantile.Quantile(0.99, buckets), 12);
    }

    [Fact]
    public void Totals_match_increase_and_the_restart_is_seen()
    {
        var window = Window.Value;

        Assert.Equal(Instant("requests"), window.Requests, Relative(Instant("requests")));
        Assert.Equal(Instant("errors") / Instant("requests"), window.ErrorRate, 1e-6);
        Assert.Equal(window.Requests / 60, window.Rps, 9);
        Assert.True(window.PerPod.Single(p => p.Pod == "orders-api-b").CounterResets > 0);
        Assert.Equal(0, window.PerPod.Single(p => p.Pod == "orders-api-a").CounterResets);
    }

    [Fact]
    public void Gauge_means_and_slopes_match_avg_over_time_and_deriv_per_pod()
    {
        foreach (var pod in new[] { "orders-api-a", "orders-api-b" })
        {
            var observed = Window.Value.PerPod.Single(p => p.Pod == pod);
            Assert.Equal(ByPod("queue-mean", pod), observed.QueueDepthMean, 9);
            Assert.Equal(ByPod("queue-slope", pod), observed.QueueDepthSlopePerSecond, 9);
            Assert.Equal(ByPod("cpu", pod), observed.CpuUtilization, Relative(ByPod("cpu", pod)));
        }

        // The subquery repeats pod a's last value for its timed-out step, so only pod b is comparable exactly.
        Assert.Equal(ByPod("pool-usage", "orders-api-b"), Window.Value.PerPod.Single(p => p.Pod == "orders-api-b").PoolUsage, 9);
    }

    [Fact]
    public void A_down_target_that_took_the_timeout_is_a_timed_out_scrape()
    {
        var window = Window.Value;

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(1, window.TimedOutScrapes);
        Assert.Equal(2000, window.ScrapeLatencyMaxMs, 9);
        Assert.Equal(7, window.Scrapes);
        Assert.Equal(4, window.AppliedGenerationMin);
        Assert.True(window.GenerationsAgree);
    }

    [Fact]
    public void The_recorded_queries_are_the_ones_the_builders_write()
    {
        var recorded = Fixture.Read("prometheus/queries.tsv").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t')).ToDictionary(p => p[0], p => p[1]);
        var selector = PromQueries.PodSelector("shop", "orders-api-.*");
        var range = TimeSpan.FromMilliseconds(60001);

        Assert.Equal(recorded["raw"], PromQueries.RawSeries(selector));
        Assert.Equal(recorded["p99"], PromQueries.Quantile(0.99, Autotune.Contracts.MetricNames.RequestDuration, selector, range));
        Assert.Equal(recorded["errors"], PromQueries.ServerErrors(selector, range));
        Assert.Equal(recorded["pool-usage"], PromQueries.PoolUsageByPod(selector, range, TimeSpan.FromSeconds(10)));
        Assert.Equal("60s", PromQueries.Range(TimeSpan.FromMinutes(1)));
    }

    private static PromQueryResult Read(string name)
    {
        var result = PromResponseReader.Read(Fixture.Read($"prometheus/query-{name}.json"));
        Assert.True(result.Succeeded, result.Error);
        return result;
    }

    private static double Instant(string name) => Assert.Single(Read(name).Series).Points[0].Value;

    private static double ByPod(string name, string pod) =>
        Read(name).Series.Single(s => s.Series.Get("pod") == pod).Points[0].Value;

    private static double Relative(double value) => Math.Abs(value) * 1e-4;
}
