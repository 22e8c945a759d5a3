using System.Text.Json;
using System.Text.Json.Serialization;
using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>The compact scrapes a sliding window keeps, against fully parsed ones.</summary>
public sealed class WindowScrapeParserTests
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private static readonly double[] Latencies = [0.004, 0.012, 0.03, 0.08, 0.2, 0.6];

    [Fact]
    public void Windows_built_from_compact_scrapes_equal_windows_built_from_fully_parsed_scrapes()
    {
        var random = new Random(20261128);
        var table = new SeriesTable();
        for (var trial = 0; trial < 200; trial++)
        {
            var full = new ExpositionParser();
            var compact = new WindowScrapeParser(table);
            var fullScrapes = new List<Scrape>();
            var compactScrapes = new List<Scrape>();
            var pods = random.Next(1, 4);
            for (var p = 0; p < pods; p++)
            {
                var pod = $"pod-{p}";
                var state = new PodState().Observe(0.004, 10_000);
                for (var round = 0; round < 7; round++)
                {
                    state = random.NextDouble() < 0.05 ? new PodState() : state;
                    state.Observe(Latencies[random.Next(Latencies.Length)], random.Next(0, 900));
                    state.QueueLength = random.Next(0, 30);
                    state.Threads = random.Next(4, 64);
                    state.Pending = random.Next(0, 5);
                    state.CpuUserSeconds += random.NextDouble();
                    state.OpenFailures["53300"] = random.Next(0, 3);
                    var text = state.ToText() + (random.NextDouble() < 0.2 ? "unread_series{bad 1\n" : "");
                    var time = PodState.T0.AddSeconds(round * 10);
                    fullScrapes.Add(Scrape.Parsed(pod, time, 5, full.Parse(text)));
                    compactScrapes.Add(compact.Parse(pod, time, 5, text));
                }
            }

            var options = new WindowOptions { LatencyObjectiveMs = 50 };
            Assert.Equal(Serialize(WindowBuilder.Build(fullScrapes, options)), Serialize(WindowBuilder.Build(compactScrapes, options)));
        }
    }

    [Fact]
    public void Keeps_only_the_series_a_window_reads_and_counts_every_unreadable_line()
    {
        var text = Fixture.Read("otel-sample-api.prom").TrimEnd('\n') + "\n" +
            "target_info{service_name=\"x\" 1\n" + // unclosed label block in a series no window reads
            "unread_gauge{1bad=\"x\"} 1\n" + // invalid label name
            "unread_gauge{a=\"x\"} one\n" + // invalid value
            "dotnet_process_cpu_count{} two\n"; // invalid value in a series a window reads
        var fully = new ExpositionParser().Parse(text);

        var scrape = new WindowScrapeParser().Parse("pod-a", PodState.T0, 5, text);

        Assert.Equal(4, fully.ErrorCount);
        Assert.Equal(fully.ErrorCount, scrape.ParseErrors);
        var read = fully.Samples.Where(s => MetricRoles.Of(s.Series) != MetricRole.None).ToList();
        Assert.True(read.Count < fully.Samples.Count, "the fixture has series no window reads");
        Assert.Equal(read.Select(s => (s.Series.Key, s.Value)), scrape.Samples.Select(s => (s.Series.Key, s.Value)));
        Assert.DoesNotContain(scrape.Samples, s => s.Series.Name == "target_info");
        Assert.Contains(scrape.Samples, s => s.Series.Name == MetricNames.RequestDuration.Bucket);
        Assert.All(scrape.Samples, s => Assert.Null(s.TimestampMs));
    }

    [Fact]
    public void Every_value_reads_back_exactly_as_written()
    {
        double[] values = [0, 7, 2147483647, 2147483648, 1e300, 0.5, -3, double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 12.47];
        var text = string.Concat(values.Select((v, i) => $"{MetricNames.ActiveRequests.Prometheus}{{i=\"{i}\"}} {PromFloat.Format(v)}\n"));

        var scrape = new WindowScrapeParser().Parse("pod-a", PodState.T0, 5, text);

        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), scrape.Samples.Select(s => BitConverter.DoubleToInt64Bits(s.Value)));
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), Enumerable.Range(0, values.Length).Select(i => BitConverter.DoubleToInt64Bits(scrape.Samples[i].Value)));
    }

    [Fact]
    public void Series_no_window_reads_are_not_remembered()
    {
        var parser = new WindowScrapeParser();

        var scrape = parser.Parse("pod-a", PodState.T0, 5, "target_info{service_instance_id=\"pod-a\"} 1\nunread 3\ndotnet_process_cpu_count 2\n");

        Assert.Equal(1, parser.Table.Count);
        Assert.Equal(MetricNames.ProcessCpuCount.Prometheus, Assert.Single(scrape.Samples).Series.Name);
        Assert.Equal(2, scrape.Samples[0].Value);
    }

    [Fact]
    public void Scrapes_that_write_the_same_series_share_one_series_list()
    {
        var parser = new WindowScrapeParser();
        var state = new PodState().Observe(0.004, 100);
        var first = parser.Parse("pod-a", PodState.T0, 5, state.ToText());
        state.Observe(0.03, 50);

        var second = parser.Parse("pod-b", PodState.T0.AddSeconds(10), 5, state.ToText());
        var third = parser.Parse("pod-a", PodState.T0.AddSeconds(20), 5, "dotnet_process_cpu_count 2\n");

        Assert.Same(Layout(first), Layout(second));
        Assert.NotSame(Layout(first), Layout(third));
        Assert.NotEqual(first.Samples.Select(s => s.Value), second.Samples.Select(s => s.Value));
        Assert.Equal(first.Samples.Select(s => s.Series), second.Samples.Select(s => s.Series));
    }

    [Fact]
    public void A_parser_gives_its_buffer_back_between_scrapes_and_later_scrapes_keep_their_values()
    {
        var parser = new WindowScrapeParser();
        var text = Fixture.Read("otel-sample-api.prom");
        var reference = new WindowScrapeParser().Parse("pod-a", PodState.T0, 5, text).Samples.ToList();

        var first = parser.Parse("pod-a", PodState.T0, 5, text);
        Assert.Equal(0, parser.HeldCapacity);
        var utf8 = parser.Parse("pod-a", PodState.T0.AddSeconds(10), 5, new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal(0, parser.HeldCapacity);
        var state = new PodState().Observe(0.03, 50);
        parser.Parse("pod-b", PodState.T0.AddSeconds(20), 5, state.ToText());

        Assert.True(reference.Count > 100, $"the fixture kept {reference.Count} samples");
        Assert.Equal(reference, first.Samples);
        Assert.Equal(reference, utf8.Samples);
    }

    [Fact]
    public void Parsers_on_many_threads_share_one_table_and_one_instance_per_series()
    {
        var text = Fixture.Read("otel-sample-api.prom");
        var table = new SeriesTable();
        var reference = new ExpositionParser().Parse(text);

        var results = new Scrape[16][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var parser = new WindowScrapeParser(table);
            results[i] = [.. Enumerable.Range(0, 20).Select(round => parser.Parse($"pod-{i}", PodState.T0.AddSeconds(round), 5, text))];
        });

        var expected = reference.Samples.Where(s => MetricRoles.Of(s.Series) != MetricRole.None).Select(s => s.Series.Key).ToList();
        Assert.Equal(expected.Count, table.Count);
        var first = results[0][0].Samples;
        Assert.Equal(expected, first.Select(s => s.Series.Key));
        Assert.All(results.SelectMany(r => r), scrape =>
        {
            Assert.Equal(first.Count, scrape.Samples.Count);
            for (var k = 0; k < first.Count; k++)
            {
                Assert.Same(first[k].Series, scrape.Samples[k].Series);
            }
        });
    }

    [Fact]
    public void A_full_table_still_parses_new_series_without_remembering_them()
    {
        var parser = new ExpositionParser(new SeriesTable(capacity: 2));

        var result = parser.Parse("a 1\nb 2\nc 3\n");
        var again = parser.Parse("a 1\nb 2\nc 4\n");

        Assert.Equal(2, parser.Table.Count);
        Assert.Equal([1.0, 2.0, 3.0], result.Samples.Select(s => s.Value));
        Assert.Equal("c", again.Samples[2].Series.Key);
        Assert.Equal(4, again.Samples[2].Value);
        Assert.Same(result.Samples[0].Series, again.Samples[0].Series);
    }

    private static IReadOnlyList<Series> Layout(Scrape scrape) => Assert.IsType<WindowSamples>(scrape.Samples).Layout;

    private static string Serialize(ObservedWindow window) => JsonSerializer.Serialize(window, Json);
}
