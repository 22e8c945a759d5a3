using Xunit;

namespace Autotune.Contracts.Tests;

public sealed class MetricNamesTests
{
    [Fact]
    public void Every_name_is_listed_once_and_is_a_valid_prometheus_name()
    {
        var names = MetricNames.All.Select(m => m.Prometheus).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[a-zA-Z_:][a-zA-Z0-9_:]*$", n));
    }

    [Fact]
    public void Counters_end_in_total_and_histograms_do_not()
    {
        Assert.All(MetricNames.All.Where(m => m.Kind == MetricKind.Counter), m => Assert.EndsWith("_total", m.Prometheus, StringComparison.Ordinal));
        Assert.All(MetricNames.All.Where(m => m.Kind == MetricKind.Histogram), m => Assert.DoesNotContain("_total", m.Prometheus, StringComparison.Ordinal));

        // The runtime declares its thread-pool gauges as observable counters; they are read as gauges all the same.
        Assert.Equal(
            [MetricNames.ThreadPoolQueueLength, MetricNames.ThreadPoolThreadCount],
            MetricNames.All.Where(m => m.Kind == MetricKind.Gauge && m.Prometheus.EndsWith("_total", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_apply_failure_counter_is_named_as_the_contract_is_but_kept_out_of_it()
    {
        var failures = MetricNames.TuningApplyFailures;

        Assert.Equal(MetricKind.Counter, failures.Kind);
        Assert.Equal(failures.Instrument.Replace('.', '_') + "_total", failures.Prometheus);
        Assert.Equal(MetricNames.AgentMeter, failures.Meter);
        Assert.DoesNotContain(MetricNames.All, m => m.Prometheus == failures.Prometheus || m.Instrument == failures.Instrument);
    }

    [Fact]
    public void Histogram_series_names_derive_from_the_base_name()
    {
        Assert.Equal("http_server_request_duration_seconds_bucket", MetricNames.RequestDuration.Bucket);
        Assert.Throws<InvalidOperationException>(() => MetricNames.ThreadPoolQueueLength.Bucket);
    }

    [Fact]
    public void Bucket_bounds_are_strictly_increasing_and_fine_near_typical_objectives()
    {
        foreach (var bounds in new[] { HistogramBuckets.RequestDuration, HistogramBuckets.Connection })
        {
            Assert.All(bounds.Zip(bounds.Skip(1)), pair => Assert.True(pair.First < pair.Second));
        }

        // Between 100 ms and 500 ms no step is wider than 100 ms, so a P99 near a 250 ms objective is not interpolated across 150 ms.
        var mid = HistogramBuckets.RequestDuration.Where(b => b is >= 0.1 and <= 0.5).ToList();
        Assert.All(mid.Zip(mid.Skip(1)), pair => Assert.True(pair.Second - pair.First <= 0.1 + 1e-9));
    }
}
