using System.Globalization;
using System.Text.Json;
using Autotune.Contracts;
using Autotune.Testing;
using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class PrometheusScrapeTests
{
    private const int DelayMs = 30;

    [Fact]
    public async Task A_real_prometheus_scrapes_the_agent_and_answers_the_p99_of_the_request_histogram()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(
            endpoints: e => e.MapGet("/work", async (CancellationToken token) =>
            {
                await Task.Delay(DelayMs, token);
                return "done";
            }),
            cancellationToken: ct);
        await using var prometheus = await PrometheusServer.StartAsync(
            [$"127.0.0.1:{app.Agent.MetricsPort}"], TimeSpan.FromMilliseconds(500), AgentEnvironment.MetricsPath, ct);
        using var api = new HttpClient { BaseAddress = prometheus.Url };

        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                await app.Http.GetStringAsync(new Uri("/work", UriKind.Relative), CancellationToken.None);
            }
        }, CancellationToken.None)).ToList();

        var query = $"histogram_quantile(0.99, sum by (le) (rate({MetricNames.RequestDuration.Bucket}{{{MetricLabels.Route}=\"/work\"}}[5s])))";
        double? p99 = null;
        try
        {
            await Await.UntilAsync(
                async () => (p99 = await QueryScalarAsync(api, query, ct)) is { } v && !double.IsNaN(v),
                TimeSpan.FromSeconds(60),
                $"Prometheus answers {query}; its log: {prometheus.Log}",
                ct);
        }
        finally
        {
            await stopLoad.CancelAsync();
            await Task.WhenAll(load);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"P99 from Prometheus: {p99 * 1000:0.0} ms"));
        // Every request sleeps 30 ms, so no P99 can be below that; on loopback it stays well under a second.
        Assert.InRange(p99!.Value, DelayMs / 1000.0, 1.0);
        Assert.Equal(1, await QueryScalarAsync(api, "up", ct));
    }

    private static async Task<double?> QueryScalarAsync(HttpClient api, string query, CancellationToken ct)
    {
        var body = await api.GetStringAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative), ct);
        using var json = JsonDocument.Parse(body);
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return null;
        }

        var value = result[0].GetProperty("value")[1].GetString()!;
        return double.Parse(value, CultureInfo.InvariantCulture);
    }
}
