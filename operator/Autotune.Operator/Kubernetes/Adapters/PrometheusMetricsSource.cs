using System.Diagnostics;
using System.Globalization;
using System.Text;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Prometheus;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// Reads the target's series from Prometheus instead of the pods: one instant query per round
/// (<see cref="PromQueries.RawSeries"/>) whose answer is split by pod and rendered back into exposition text, so the
/// window is built exactly as from pod scrapes. Prometheus's own <c>up</c> and <c>scrape_duration_seconds</c> tell
/// a failed scrape from a slow one: a pod that was down for a scrape as long as the timeout was alive but starved.
/// </summary>
public sealed class PrometheusMetricsSource(HttpClient http, Uri prometheus, string selector, TimeSpan scrapeTimeout, TimeSpan queryTimeout, TimeProvider time) : IMetricsSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var url = new Uri(prometheus, "api/v1/query?query=" + Uri.EscapeDataString(PromQueries.RawSeries(selector)));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(queryTimeout);
        string body;
        try
        {
            using var response = await http.GetAsync(url, deadline.Token);
            body = await response.Content.ReadAsStringAsync(deadline.Token);
        }
        catch (HttpRequestException)
        {
            return []; // Prometheus itself is unreachable: no pod is known, so the window has no data.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }

        var result = PromResponseReader.Read(body);
        if (!result.Succeeded)
        {
            return [];
        }

        var at = time.GetUtcNow();
        return [.. result.Series
            .GroupBy(s => s.Series.Get("pod") ?? s.Series.Get("instance") ?? "", StringComparer.Ordinal)
            .Where(g => g.Key.Length > 0)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ToScrape(g.Key, g.ToList(), at, Stopwatch.GetElapsedTime(started)))];
    }

    private PodScrape ToScrape(string pod, IReadOnlyList<PromSeries> series, DateTimeOffset at, TimeSpan queryLatency)
    {
        var up = Value(series, PromScrapes.Up);
        var duration = Value(series, PromScrapes.ScrapeDuration);
        var latency = double.IsNaN(duration) ? queryLatency : TimeSpan.FromSeconds(duration);
        if (up == 0)
        {
            var timedOut = latency >= scrapeTimeout * 0.9;
            return new PodScrape(pod, at, latency, null, timedOut ? "Prometheus's scrape of the pod timed out" : "Prometheus could not scrape the pod") { TimedOut = timedOut };
        }

        var text = new StringBuilder();
        foreach (var s in series)
        {
            if (s.Series.Name is PromScrapes.Up or PromScrapes.ScrapeDuration || s.Points.Count == 0)
            {
                continue;
            }

            text.Append(s.Series.Key).Append(' ').Append(PromFloat.Format(s.Points[^1].Value)).Append('\n');
        }

        return new PodScrape(pod, at, latency, text.ToString(), null);
    }

    private static double Value(IReadOnlyList<PromSeries> series, string name) =>
        series.FirstOrDefault(s => s.Series.Name == name) is { Points.Count: > 0 } found ? found.Points[^1].Value : double.NaN;

    /// <summary>PromQL matchers for the pods of a Deployment (pods are named <c>name-hash-suffix</c>).</summary>
    public static string DeploymentSelector(string @namespace, string deployment) =>
        PromQueries.PodSelector(@namespace, string.Create(CultureInfo.InvariantCulture, $"{deployment}-[a-z0-9]+-[a-z0-9]+"));
}
