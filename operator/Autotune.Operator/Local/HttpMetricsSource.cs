using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Local;

/// <summary>
/// Scrapes the agents' metrics endpoints over HTTP, every pod concurrently, each bounded by a timeout. A pod that
/// accepts the connection but does not answer in time is reported as timed out (alive, likely starved), not as absent.
/// </summary>
public sealed class HttpMetricsSource(HttpClient http, Func<CancellationToken, Task<IReadOnlyList<PodEndpoint>>> pods, TimeSpan timeout, TimeProvider time) : IMetricsSource
{
    /// <summary>Largest response read (a metrics endpoint writes tens of KB; more is an error, not a window).</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <inheritdoc />
    public async Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken)
    {
        var endpoints = await pods(cancellationToken);
        return await Task.WhenAll(endpoints.Select(pod => ScrapeOneAsync(pod, cancellationToken)));
    }

    private async Task<PodScrape> ScrapeOneAsync(PodEndpoint pod, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(pod.MetricsUrl, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new PodScrape(pod.Name, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, $"HTTP {(int)response.StatusCode} from {pod.MetricsUrl}");
            }

            // The body stays bytes in pooled buffers, parsed as UTF-8 (what the exposition format is); an exporter
            // that names another charset gets its text decoded as it says.
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            var body = await ScrapeBody.ReadAsync(stream, MaxBodyBytes, deadline.Token);
            var latency = Stopwatch.GetElapsedTime(started);
            if (OtherCharset(response.Content.Headers.ContentType?.CharSet) is { } encoding)
            {
                using (body)
                {
                    return new PodScrape(pod.Name, time.GetUtcNow(), latency, encoding.GetString(body.Bytes), null);
                }
            }

            return new PodScrape(pod.Name, time.GetUtcNow(), latency, null, null) { Body = body };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PodScrape(pod.Name, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, $"no answer within {timeout.TotalMilliseconds:0} ms")
            {
                TimedOut = true,
            };
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException socket)
        {
            return new PodScrape(pod.Name, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, $"{socket.SocketErrorCode} at {pod.MetricsUrl}");
        }
        catch (HttpRequestException ex)
        {
            return new PodScrape(pod.Name, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return new PodScrape(pod.Name, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), null, $"{ex.Message} ({pod.MetricsUrl})");
        }
    }

    private static Encoding? OtherCharset(string? charset)
    {
        var name = charset?.Trim('"', ' ');
        if (string.IsNullOrEmpty(name) || name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) ||
            name.Equals("utf8", StringComparison.OrdinalIgnoreCase) || name.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null; // an unknown charset: read as UTF-8
        }
    }
}
