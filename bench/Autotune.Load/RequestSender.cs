using System.Net;
using System.Net.Http.Headers;

namespace Autotune.Load;

/// <summary>Sends one request and names its outcome: null for a 2xx answer, else an <see cref="ErrorKinds"/> name.</summary>
internal sealed class RequestSender : IDisposable
{
    private const string ApiKeyHeader = "X-Api-Key";
    private readonly HttpClient _http;
    private readonly string? _apiKey;
    private readonly TimeSpan _timeout;

    public RequestSender(string? apiKey, TimeSpan timeout, int maxConnectionsPerTarget = int.MaxValue)
    {
        _apiKey = apiKey;
        _timeout = timeout;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = timeout,
            MaxConnectionsPerServer = maxConnectionsPerTarget,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>
    /// Sends the request and reads the whole answer. Returns the outcome and whether the server was reached (an
    /// answer or a timeout has a latency; a refused connection does not). Cancellation of <paramref name="run"/>
    /// is rethrown.
    /// </summary>
    public async Task<(string? Error, bool Reached)> SendAsync(HttpRequestMessage request, CancellationToken run)
    {
        if (_apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, _apiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(run);
        timeout.CancelAfter(_timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            await response.Content.CopyToAsync(Stream.Null, timeout.Token);
            var status = (int)response.StatusCode;
            return (status is >= 200 and < 300 ? null : ErrorKinds.Status(status), true);
        }
        catch (OperationCanceledException) when (!run.IsCancellationRequested)
        {
            return (ErrorKinds.Timeout, true);
        }
        catch (HttpRequestException e) when (!run.IsCancellationRequested)
        {
            return e.HttpRequestError == HttpRequestError.ConnectionError ? (ErrorKinds.Connection, false) : (ErrorKinds.Broken, false);
        }
        catch (IOException) when (!run.IsCancellationRequested)
        {
            return (ErrorKinds.Broken, false);
        }
    }

    public void Dispose() => _http.Dispose();
}
