using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class PrometheusMetricsSourceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unreachable_prometheus_is_one_failed_scrape_that_says_so_and_not_a_timeout()
    {
        var source = Source(FreePort.Next());

        var scrape = Assert.Single(await source.ScrapeAsync(Ct));

        Assert.Equal(source.SourceName, scrape.Pod);
        Assert.False(scrape.Succeeded);
        Assert.False(scrape.TimedOut);
        Assert.Equal("the Prometheus query failed: ConnectionRefused", scrape.Error);
    }

    [Fact]
    public async Task A_query_prometheus_refuses_is_reported_with_its_status_error_type_and_message()
    {
        await using var prometheus = await FakePrometheus.StartAsync(context =>
        {
            context.Response.StatusCode = 422;
            return context.Response.WriteAsync("""{"status":"error","errorType":"execution","error":"query processing would load too many samples"}""");
        });

        var scrape = Assert.Single(await Source(prometheus.Port).ScrapeAsync(Ct));

        Assert.Equal("the Prometheus query failed: HTTP 422: execution: query processing would load too many samples", scrape.Error);
    }

    [Fact]
    public async Task An_answer_larger_than_the_bound_is_refused_with_the_bound_in_the_reason()
    {
        const string sample = """{"metric":{"__name__":"up","pod":"orders-api-1-a"},"value":[1764226800,"1"]}""";
        var answer = """{"status":"success","data":{"resultType":"vector","result":[""" + string.Join(',', Enumerable.Repeat(sample, 2000)) + "]}}";
        await using var prometheus = await FakePrometheus.StartAsync(context => context.Response.WriteAsync(answer));

        var scrape = Assert.Single(await Source(prometheus.Port, maxResponseBytes: 64 * 1024).ScrapeAsync(Ct));

        Assert.Equal("the Prometheus query failed: the response is larger than 65536 bytes", scrape.Error);
    }

    [Fact]
    public async Task A_prometheus_slower_than_the_query_timeout_is_a_failed_scrape_not_starvation_evidence()
    {
        await using var prometheus = await FakePrometheus.StartAsync(async context =>
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));

        var scrape = Assert.Single(await Source(prometheus.Port, queryTimeout: TimeSpan.FromMilliseconds(300)).ScrapeAsync(Ct));

        Assert.False(scrape.TimedOut);
        Assert.Equal("the Prometheus query failed: no answer within 300 ms", scrape.Error);
    }

    [Fact]
    public async Task An_answer_with_no_series_for_the_pods_says_what_was_asked()
    {
        await using var prometheus = await FakePrometheus.StartAsync(context =>
            context.Response.WriteAsync("""{"status":"success","data":{"resultType":"vector","result":[]}}"""));

        var scrape = Assert.Single(await Source(prometheus.Port).ScrapeAsync(Ct));

        Assert.StartsWith("the Prometheus query failed: no series match namespace=\"shop\"", scrape.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_is_not_json_is_reported_as_such()
    {
        await using var prometheus = await FakePrometheus.StartAsync(context => context.Response.WriteAsync("<html>proxy error</html>"));

        var scrape = Assert.Single(await Source(prometheus.Port).ScrapeAsync(Ct));

        Assert.StartsWith("the Prometheus query failed: response is not JSON", scrape.Error, StringComparison.Ordinal);
    }

    private static PrometheusMetricsSource Source(int port, TimeSpan? queryTimeout = null, long maxResponseBytes = PrometheusMetricsSource.DefaultMaxResponseBytes) =>
        new(new HttpClient(), new Uri($"http://127.0.0.1:{port}/"), PrometheusMetricsSource.DeploymentSelector("shop", "orders-api"),
            TimeSpan.FromSeconds(2), queryTimeout ?? TimeSpan.FromSeconds(5), TimeProvider.System, maxResponseBytes);

    /// <summary>An HTTP server on loopback answering <c>/api/v1/query</c> as told.</summary>
    private sealed class FakePrometheus(WebApplication app, int port) : IAsyncDisposable
    {
        public int Port { get; } = port;

        public static async Task<FakePrometheus> StartAsync(RequestDelegate answer)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            app.MapGet("/api/v1/query", answer);
            await app.StartAsync(Ct);
            return new FakePrometheus(app, port);
        }

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
