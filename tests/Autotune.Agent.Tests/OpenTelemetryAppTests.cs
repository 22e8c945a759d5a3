using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Autotune.Agent.Metrics;
using Autotune.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// An app that already exports OpenTelemetry metrics through the Prometheus exporter on its own <c>/metrics</c>: the
/// agent joins its meter provider (one pipeline), the app keeps its series, and the agent's scrape still answers
/// from its own thread while the app's thread pool is starved.
/// </summary>
public sealed partial class OpenTelemetryAppTests
{
    private const string ShopMeter = "Autotune.Agent.Tests.Shop";
    private const int Orders = 20;

    [Fact]
    public async Task The_agent_joins_the_apps_meter_provider_and_both_scrapes_count_each_request_once_with_no_family_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        using var meter = new Meter(ShopMeter);
        var orders = meter.CreateCounter<long>("shop.orders");
        await using var app = await StartAsync(orders, ct);

        for (var i = 0; i < Orders; i++)
        {
            Assert.Equal("ordered", await app.Http.GetStringAsync(new Uri("/order", UriKind.Relative), ct));
        }

        // No second pipeline: the agent built no meter provider of its own.
        Assert.True(app.App.Services.GetRequiredService<MetricsCollector>().UsesAppProvider);

        var agentText = await app.ScrapeAsync(ct);
        var appText = await app.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
        foreach (var (source, text) in new[] { ("agent", agentText), ("app", appText) })
        {
            var scrape = Scrape.Parse(text);
            // The app's own counter and the ASP.NET Core histogram, each request counted once.
            Assert.Equal(Orders, scrape.Sum("shop_orders_total"));
            Assert.Equal(Orders, scrape.Sum(MetricNames.RequestDuration.Count, ("http_route", "/order")));
            // The agent's instruments, in the app's exporter too.
            Assert.Equal(0, scrape.Sum(MetricNames.AppliedGeneration.Prometheus));
            Assert.True(scrape.Sum(MetricNames.AppliedMinThreads.Prometheus) > 0, $"{source}: the applied minimum threads");
            // The agent's fine buckets, the contract's, in both.
            Assert.Contains(
                scrape.Samples,
                s => s.Name == MetricNames.RequestDuration.Bucket && s.Labels.GetValueOrDefault("le") == "0.005");
            var families = TypeLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
            Assert.True(families.Count > 10, $"{source}: {families.Count} families");
            Assert.Equal(families.Count, families.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [Fact]
    public async Task The_agents_scrape_answers_while_the_thread_pool_is_starved_and_the_apps_exporter_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var meter = new Meter(ShopMeter);
        await using var app = await StartAsync(meter.CreateCounter<long>("shop.orders"), ct);
        Assert.Contains(MetricNames.AppliedGeneration.Prometheus, await app.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct), StringComparison.Ordinal);
        var agentUri = app.Agent.MetricsUri;
        var appUri = new Uri(app.BaseUri, "/metrics");

        var answers = BlockingHttp.GetWhileStarved(400, agentUri, appUri);
        var (agent, exporter) = (answers[0], answers[1]);

        // Control: the app's exporter runs on the starved pool.
        Assert.Null(exporter);
        Assert.NotNull(agent);
        Assert.Equal("HTTP/1.1 200 OK", agent.Value.StatusLine);
        Assert.True(Scrape.Parse(agent.Value.Body).Value(MetricNames.ThreadPoolQueueLength.Prometheus) >= 200);
    }

    private static Task<AgentApp> StartAsync(Counter<long> orders, CancellationToken ct) => AgentApp.StartAsync(
        cancellationToken: ct,
        services: builder => builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ShopMeter)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0)),
        pipeline: app =>
        {
            app.MapPrometheusScrapingEndpoint();
            app.MapGet("/order", () =>
            {
                orders.Add(1);
                return "ordered";
            });
        });

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
