using System.Diagnostics;
using System.Net.Sockets;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Local;

/// <summary>
/// Scrapes the agents' metrics endpoints over HTTP, every pod concurrently, each bounded by a timeout. A pod that
/// accepts the connection but does not answer in time is reported as timed out (alive, likely starved), not as absent.
/// </summary>
public sealed class HttpMetricsSource(HttpClient http, Func<CancellationToken, Task<IReadOnlyList<PodEndpoint>>> pods, TimeSpan timeout, TimeProvider time) : IMetricsSource
{
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
            using var response = await http.GetAsync(pod.MetricsUrl, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var latency = Stopwatch.GetElapsedTime(started);
            if (!response.IsSuccessStatusCode)
            {
                return new PodScrape(pod.Name, time.GetUtcNow(), latency, null, $"HTTP {(int)response.StatusCode} from {pod.MetricsUrl}");
            }

            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            return new PodScrape(pod.Name, time.GetUtcNow(), Stopwatch.GetElapsedTime(started), text, null);
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
    }
}
