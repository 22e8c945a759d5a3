using Autotune.Agent.Metrics;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData("http.server.request.duration", "s", false, "http_server_request_duration_seconds")]
    [InlineData("dotnet.process.cpu.time", "s", true, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("db.client.connection.count", "{connection}", false, "db_client_connection_count")]
    [InlineData("db.client.connection.npgsql.timeouts", "{timeout}", true, "db_client_connection_npgsql_timeouts_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", true, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("net.io", "By/s", false, "net_io_bytes_per_second")]
    [InlineData("a.ratio", "1", false, "a_ratio")]
    [InlineData("already_seconds", "s", false, "already_seconds")]
    [InlineData("requests_total", null, true, "requests_total")]
    [InlineData("9lives-x..y", null, false, "_9lives_x_y")]
    public void Names_follow_the_opentelemetry_prometheus_rules(string instrument, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusNaming.MetricName(instrument, unit, counter));

    [Fact]
    public void Label_names_replace_dots_and_never_keep_colons() =>
        Assert.Equal("db_client_connection_pool_name", PrometheusNaming.LabelName("db.client.connection.pool.name"));

    [Fact]
    public void Writes_help_type_and_samples_with_escaped_label_values()
    {
        var writer = new PrometheusTextWriter();
        var family = writer.Family("pool_count", PrometheusType.Gauge, "Connections.\nBy state.")!.Value;
        family.Sample(string.Empty, [new("pool", "a\"b\\c\nd"), new("state", "idle")], 3);

        Assert.Equal(
            "# HELP pool_count Connections.\\nBy state.\n# TYPE pool_count gauge\npool_count{pool=\"a\\\"b\\\\c\\nd\",state=\"idle\"} 3\n",
            writer.ToString());
    }

    [Fact]
    public void Samples_of_one_name_from_two_meters_form_one_family_and_a_conflicting_type_is_dropped()
    {
        var writer = new PrometheusTextWriter();
        writer.Family("x", PrometheusType.Counter, "first")!.Value.Sample(string.Empty, [new("m", "1")], 1);
        writer.Family("y", PrometheusType.Gauge, null)!.Value.Sample(string.Empty, [], 2);
        writer.Family("x", PrometheusType.Counter, "second")!.Value.Sample(string.Empty, [new("m", "2")], 3);
        Assert.Null(writer.Family("y", PrometheusType.Counter, null));

        Assert.Equal(
            "# HELP x first\n# TYPE x counter\nx{m=\"1\"} 1\nx{m=\"2\"} 3\n# TYPE y gauge\ny 2\n",
            writer.ToString());
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.1, "0.1")]
    [InlineData(1234567.0, "1234567")]
    [InlineData(1e-7, "1E-07")]
    public void Values_are_written_in_invariant_round_trip_form(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));

    [Fact]
    public void Histogram_buckets_are_cumulative_and_end_in_plus_inf()
    {
        var options = new AutotuneAgentOptions();
        options.AdditionalMeters.Add("Autotune.Agent.Tests.Histogram");
        var collector = new MetricsCollector(options, new AgentMetricReader(), appProvider: null);
        using var meter = new System.Diagnostics.Metrics.Meter("Autotune.Agent.Tests.Histogram");
        var histogram = meter.CreateHistogram<double>(
            "test.duration", "s", advice: new System.Diagnostics.Metrics.InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5] });
        histogram.Record(0.05);
        histogram.Record(0.2);
        histogram.Record(0.3);
        histogram.Record(2);

        var scrape = Scrape.Parse(collector.Collect());
        collector.Dispose();

        Assert.Equal(1, scrape.Sum("test_duration_seconds_bucket", ("le", "0.1")));
        Assert.Equal(3, scrape.Sum("test_duration_seconds_bucket", ("le", "0.5")));
        Assert.Equal(4, scrape.Sum("test_duration_seconds_bucket", ("le", "+Inf")));
        Assert.Equal(4, scrape.Value("test_duration_seconds_count"));
        Assert.Equal(2.55, scrape.Value("test_duration_seconds_sum")!.Value, 9);
    }
}
