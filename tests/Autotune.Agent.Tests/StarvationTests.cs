using System.Globalization;
using Autotune.Contracts;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class StarvationTests
{
    private const int BlockedWorkItems = 400;

    [Fact]
    public async Task Metrics_answer_within_a_second_while_the_thread_pool_is_starved_and_kestrel_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(cancellationToken: ct);
        Assert.Equal("pong", await app.Http.GetStringAsync(new Uri("/ping", UriKind.Relative), ct));
        var metricsUri = app.Agent.MetricsUri;
        var pingUri = new Uri(app.BaseUri, "/ping");

        // Blocking work items, far more than the pool has threads: everything queued behind them waits while the
        // pool injects a thread or two a second.
        var answers = BlockingHttp.GetWhileStarved(BlockedWorkItems, metricsUri, pingUri);
        var (metrics, ping) = (answers[0], answers[1]);

        // Control: the starved pool cannot serve Kestrel's request within the second...
        Assert.Null(ping);
        // ...but the dedicated thread serves the scrape, and the scrape shows the starvation.
        Assert.NotNull(metrics);
        Assert.Equal("HTTP/1.1 200 OK", metrics.Value.StatusLine);
        TestContext.Current.TestOutputHelper?.WriteLine(
            string.Create(CultureInfo.InvariantCulture, $"scrape under starvation answered in {metrics.Value.Elapsed.TotalMilliseconds:0.0} ms"));
        var scrape = Scrape.Parse(metrics.Value.Body);
        Assert.True(
            scrape.Value(MetricNames.ThreadPoolQueueLength.Prometheus) >= BlockedWorkItems / 2,
            $"queue length in the scrape: {scrape.Value(MetricNames.ThreadPoolQueueLength.Prometheus)}");

        // Once released, Kestrel answers again.
        Assert.Equal("pong", await app.Http.GetStringAsync(new Uri("/ping", UriKind.Relative), ct));
    }
}
