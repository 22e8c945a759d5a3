using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

public sealed class ExpositionParserTests
{
    [Fact]
    public void Reads_types_labels_values_and_timestamps()
    {
        const string text = """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000
            metric_without_timestamp_and_labels 12.47
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.5"} 4773
            """;

        var result = new ExpositionParser().Parse(text);

        Assert.True(result.IsClean, string.Join("; ", result.Errors));
        Assert.Equal(4, result.Samples.Count);
        Assert.Equal(MetricType.Counter, result.Types["http_requests_total"]);
        Assert.Equal(MetricType.Summary, result.Types["rpc_duration_seconds"]);
        var first = result.Samples[0];
        Assert.Equal("http_requests_total", first.Series.Name);
        Assert.Equal("post", first.Series.Get("method"));
        Assert.Equal("200", first.Series.Get("code"));
        Assert.Equal(1027, first.Value);
        Assert.Equal(1395066363000, first.TimestampMs);
        Assert.Equal(3, result.Samples[1].Value);
        Assert.Null(result.Samples[2].TimestampMs);
        Assert.Equal(12.47, result.Samples[2].Value);
        Assert.Empty(result.Samples[2].Series.Labels);
    }

    [Fact]
    public void Unescapes_backslash_quote_and_newline_in_label_values()
    {
        const string text = """msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9""";

        var result = new ExpositionParser().Parse(text);

        Assert.True(result.IsClean, string.Join("; ", result.Errors));
        var series = Assert.Single(result.Samples).Series;
        Assert.Equal(@"C:\DIR\FILE.TXT", series.Get("path"));
        Assert.Equal("Cannot find file:\n\"FILE.TXT\"", series.Get("error"));
        Assert.Equal(1.458255915e9, result.Samples[0].Value);
    }

    [Fact]
    public void Reads_infinities_nan_and_go_float_syntax()
    {
        const string text = "a +Inf\nb -Inf\nc NaN\nd 1e-3\ne -0.5\nf_bucket{le=\"+Inf\"} 7\ng Inf\n";

        var values = new ExpositionParser().Parse(text).Samples.Select(s => s.Value).ToArray();

        Assert.Equal(double.PositiveInfinity, values[0]);
        Assert.Equal(double.NegativeInfinity, values[1]);
        Assert.True(double.IsNaN(values[2]));
        Assert.Equal(0.001, values[3]);
        Assert.Equal(-0.5, values[4]);
        Assert.Equal(7, values[5]);
        Assert.Equal(double.PositiveInfinity, values[6]);
    }

    [Fact]
    public void Ignores_exemplars_unit_and_eof_comments_and_tolerates_crlf()
    {
        const string text = "# UNIT foo_seconds seconds\r\n# some free comment\r\n" +
            "foo_seconds_bucket{le=\"0.5\"} 3 # {trace_id=\"abc\"} 0.42 1700000000.1\r\n" +
            "foo_seconds_count 3 1700000000000 # {trace_id=\"abc\"} 0.42\r\n\r\n# EOF\r\n";

        var result = new ExpositionParser().Parse(text);

        Assert.True(result.IsClean, string.Join("; ", result.Errors));
        Assert.Equal([3.0, 3.0], result.Samples.Select(s => s.Value));
        Assert.Equal(1700000000000, result.Samples[1].TimestampMs);
        Assert.Equal("0.5", result.Samples[0].Series.Get("le"));
    }

    [Fact]
    public void Reports_each_malformed_line_by_number_and_keeps_the_good_ones()
    {
        const string text = """
            good_one 1
            no_value
            bad_value{a="b"} twelve
            unclosed{a="b" 1
            bad_escape{a="\q"} 1
            twice{a="1",a="2"} 1
            # TYPE weird_type histogrammy
            {a="b"} 1
            bad_timestamp 1 soon
            good_two{a="x",} 2
            """;

        var result = new ExpositionParser().Parse(text);

        Assert.Equal([1.0, 2.0], result.Samples.Select(s => s.Value));
        Assert.Equal(8, result.ErrorCount);
        Assert.Equal([2, 3, 4, 5, 6, 7, 8, 9], result.Errors.Select(e => e.Line));
        Assert.Contains("missing value", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("twelve", result.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("not closed", result.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("escape", result.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("twice", result.Errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("unknown metric type", result.Errors[5].Message, StringComparison.Ordinal);
        Assert.Contains("timestamp", result.Errors[7].Message, StringComparison.Ordinal);
        Assert.StartsWith("line 2: ", result.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_at_most_twenty_errors_but_counts_every_one()
    {
        var text = string.Concat(Enumerable.Repeat("garbage line here\n", 500)) + "fine 1\n";

        var result = new ExpositionParser().Parse(text);

        Assert.Equal(500, result.ErrorCount);
        Assert.Equal(ExpositionParser.MaxErrors, result.Errors.Count);
        Assert.Single(result.Samples);
    }

    [Fact]
    public void Resolves_one_series_instance_across_scrapes_whatever_the_label_order()
    {
        var parser = new ExpositionParser();

        var first = parser.Parse("x{a=\"1\",b=\"2\"} 1\n").Samples[0].Series;
        var again = parser.Parse("x{a=\"1\",b=\"2\"} 5\n").Samples[0].Series;
        var reordered = parser.Parse("x{b=\"2\", a=\"1\"} 6\n").Samples[0].Series;

        Assert.Same(first, again);
        Assert.Same(first, reordered);
        Assert.Equal("x{a=\"1\",b=\"2\"}", first.Key);
        Assert.Equal(2, parser.Table.Count);
    }

    [Fact]
    public void A_scrape_that_drops_adds_or_reorders_series_still_maps_each_value_to_its_series()
    {
        var parser = new ExpositionParser();
        parser.Parse("a{x=\"1\"} 1\nb 2\nc 3\n");

        var next = parser.Parse("a{x=\"1\"} 10\nnew 40\nc 30\nb 20\n").Samples;

        Assert.Equal(["a{x=\"1\"}=10", "new=40", "c=30", "b=20"], next.Select(s => $"{s.Series.Key}={s.Value}"));
    }

    [Theory]
    [InlineData("0012", 12)]
    [InlineData("123456789012345", 123456789012345)]
    [InlineData("1234567890123456789", 1234567890123456789)]
    [InlineData("-5", -5)]
    [InlineData("5e3", 5000)]
    [InlineData(".5", 0.5)]
    public void Reads_whole_numbers_and_the_rest_alike(string text, double expected)
    {
        Assert.True(PromFloat.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Parses_the_OpenTelemetry_exporter_fixture_cleanly()
    {
        var text = Fixture.Read("otel-sample-api.prom");

        var result = new ExpositionParser().Parse(text);

        Assert.True(result.IsClean, string.Join("; ", result.Errors));
        var names = result.Samples.Select(s => s.Series.Name).ToHashSet();

        // The fixture is a recording of an earlier agent; the contract names added since are checked on a real scrape
        // of the agent as it is now (Autotune.Agent.Tests' ContractNamesTests).
        MetricName[] addedSinceRecording =
        [
            MetricNames.ThreadPoolWorkItems, MetricNames.ThreadPoolQueueDelay, MetricNames.RequestsShed, MetricNames.ShedAfter,
            MetricNames.SystemCpuTime, MetricNames.CgroupCpuTime, MetricNames.CgroupCpuPeriods, MetricNames.CgroupCpuThrottledPeriods,
            MetricNames.CgroupCpuThrottledTime, MetricNames.CgroupCpuLimit,
        ];
        foreach (var metric in MetricNames.All.Except(addedSinceRecording))
        {
            var name = metric.Kind == MetricKind.Histogram ? metric.Bucket : metric.Prometheus;
            Assert.Contains(name, names);
        }

        Assert.Equal(MetricType.Histogram, result.Types[MetricNames.RequestDuration.Prometheus]);
        Assert.Equal(MetricType.Gauge, result.Types["target_info"]);
        var okCount = result.Samples.Single(s =>
            s.Series.Name == MetricNames.RequestDuration.Count && s.Series.Get(MetricLabels.StatusCode) == "200");
        Assert.Equal(4200, okCount.Value);
        Assert.Equal("Microsoft.AspNetCore.Hosting", okCount.Series.Get("otel_scope_name"));
        Assert.Equal("/users/{id}", okCount.Series.Get(MetricLabels.Route));
        var bound = result.Samples.First(s => s.Series.Get("le") == "0.0050000000000000001");
        Assert.True(PromFloat.TryParse(bound.Series.Get("le"), out var le));
        Assert.Equal(0.005, le);
    }
}
