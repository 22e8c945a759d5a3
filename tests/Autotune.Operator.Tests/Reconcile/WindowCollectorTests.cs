using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using Xunit;

namespace Autotune.Operator.Tests.Reconcile;

public sealed class WindowCollectorTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly string Text = string.Join('\n',
        "# TYPE target_info gauge",
        "target_info{service_instance_id=\"POD\",service_name=\"orders\"} 1",
        $"{MetricNames.RequestDuration.Bucket}{{http_route=\"/orders\",le=\"0.05\"}} 40",
        $"{MetricNames.RequestDuration.Bucket}{{http_route=\"/orders\",le=\"+Inf\"}} 42",
        $"{MetricNames.RequestDuration.Count}{{http_route=\"/orders\"}} 42",
        $"{MetricNames.ThreadPoolQueueLength.Prometheus} 3",
        "unread_total 7",
        "");

    [Fact]
    public void Collectors_sharing_a_table_keep_one_series_instance_and_only_what_a_window_reads()
    {
        var table = new SeriesTable();
        var orders = new WindowCollector(new NoSource(), TimeProvider.System, table);
        var carts = new WindowCollector(new NoSource(), TimeProvider.System, table);

        var a = orders.ToScrape(new PodScrape("orders-1", At, TimeSpan.FromMilliseconds(4), Text.Replace("POD", "orders-1", StringComparison.Ordinal), null));
        var b = carts.ToScrape(new PodScrape("carts-1", At, TimeSpan.FromMilliseconds(6), Text.Replace("POD", "carts-1", StringComparison.Ordinal), null));

        Assert.Equal(4, a.Samples.Count);
        Assert.DoesNotContain(a.Samples, s => s.Series.Name is "target_info" or "unread_total");
        Assert.Equal([40.0, 42, 42, 3], a.Samples.Select(s => s.Value));
        Assert.Equal(4, table.Count);
        for (var i = 0; i < a.Samples.Count; i++)
        {
            Assert.Same(a.Samples[i].Series, b.Samples[i].Series);
        }

        Assert.Equal(0, a.ParseErrors);
        Assert.Equal(6, b.LatencyMs);
    }

    [Fact]
    public void A_scrape_without_text_is_a_failure_or_a_timeout_and_is_counted_for_its_pod()
    {
        var collector = new WindowCollector(new NoSource(), TimeProvider.System);

        var refused = collector.ToScrape(new PodScrape("orders-1", At, TimeSpan.FromMilliseconds(1), null, "ConnectionRefused"));
        var slow = collector.ToScrape(new PodScrape("orders-1", At, TimeSpan.FromSeconds(2), null, "no answer") { TimedOut = true });

        Assert.Equal(ScrapeOutcome.Failed, refused.Outcome);
        Assert.Equal(ScrapeOutcome.TimedOut, slow.Outcome);
        Assert.Empty(slow.Samples);
        Assert.Equal((2, "no answer"), collector.Failures["orders-1"]);
    }

    private sealed class NoSource : IMetricsSource
    {
        public Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PodScrape>>([]);
    }
}
