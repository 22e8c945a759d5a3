using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
/// A query that fails (Prometheus unreachable, slow, answering an error, too much, or nothing for the pods) is one
/// failed scrape of <see cref="SourceName"/> with the reason, as a pod that cannot be scraped is: never an empty
/// round without a word, and never a timed-out scrape (a slow Prometheus says nothing about the pods' threads).
/// </summary>
public sealed class PrometheusMetricsSource(
    HttpClient http,
    Uri prometheus,
    string selector,
    TimeSpan scrapeTimeout,
    TimeSpan queryTimeout,
    TimeProvider time,
    long maxResponseBytes = PrometheusMetricsSource.DefaultMaxResponseBytes) : IMetricsSource
{
    /// <summary>
    /// Largest answer read: the raw series of one Deployment's pods, about 75 KB of JSON a pod (an agent's exposition
    /// is about 48 KB of text), so some 400 pods; more is refused rather than held in memory.
    /// </summary>
    public const long DefaultMaxResponseBytes = 32L * 1024 * 1024;

    /// <summary>The name a failed query is reported under in place of a pod (no pod name has a space).</summary>
    public string SourceName { get; } = $"prometheus {prometheus.GetLeftPart(UriPartial.Authority)}";

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var url = new Uri(prometheus, "api/v1/query?query=" + Uri.EscapeDataString(PromQueries.RawSeries(selector)));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(queryTimeout);
        string body;
        HttpStatusCode status;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = response.StatusCode;
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var bytes = await ScrapeBody.ReadAsync(stream, maxResponseBytes, deadline.Token);
            body = Encoding.UTF8.GetString(bytes.Bytes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(started, $"no answer within {queryTimeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException socket)
        {
            return Failed(started, $"{socket.SocketErrorCode}");
        }
        catch (HttpRequestException ex)
        {
            return Failed(started, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return Failed(started, ex.Message);
        }

        var result = PromResponseReader.Read(body);
        if (!result.Succeeded)
        {
            // Prometheus answers errors as JSON with a 4xx/5xx status; a proxy in front of it may not.
            return Failed(started, status == HttpStatusCode.OK ? result.Error! : $"HTTP {(int)status}: {result.Error}");
        }

        if (result.Series.Count == 0)
        {
            return Failed(started, $"no series match {selector}: does Prometheus scrape the pods, with namespace and pod labels?");
        }

        var at = time.GetUtcNow();
        return [.. result.Series
            .GroupBy(s => s.Series.Get("pod") ?? s.Series.Get("instance") ?? "", StringComparer.Ordinal)
            .Where(g => g.Key.Length > 0)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ToScrape(g.Key, g.ToList(), at, Stopwatch.GetElapsedTime(started)))];
    }

    private PodScrape[] Failed(long started, string why) =>
        [new PodScrape(SourceName, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, $"the Prometheus query failed: {why}")];

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
