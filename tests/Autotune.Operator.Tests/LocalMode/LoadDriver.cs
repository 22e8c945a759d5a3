using System.Globalization;
using System.Net;

namespace Autotune.Operator.Tests.LocalMode;

/// <summary>
/// Keeps a fixed number of GET /users/{id} requests in flight against the current replicas until disposed. Closed
/// loop on purpose: these tests assert decisions, not latencies, and need steady pressure, not a measured rate.
/// </summary>
internal sealed class LoadDriver : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private volatile IReadOnlyList<Uri> _targets;
    private readonly int _users;
    private long _ok;
    private long _failed;

    public LoadDriver(IReadOnlyList<Uri> targets, int concurrency, string apiKey, int users)
    {
        _targets = targets;
        _users = users;
        _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        _workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => WorkAsync(i))).ToArray();
    }

    public long Succeeded => Interlocked.Read(ref _ok);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Points the load at a new set of replicas.</summary>
    public void Retarget(IReadOnlyList<Uri> targets) => _targets = targets;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
        _http.Dispose();
    }

    private async Task WorkAsync(int worker)
    {
        var random = new Random(worker);
        while (!_stop.IsCancellationRequested)
        {
            var targets = _targets;
            if (targets.Count == 0)
            {
                await Task.Delay(50);
                continue;
            }

            var target = targets[random.Next(targets.Count)];
            var id = random.Next(1, _users + 1).ToString(CultureInfo.InvariantCulture);
            try
            {
                using var response = await _http.GetAsync(new Uri(target, $"/users/{id}"), _stop.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _ok);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException or IOException)
            {
                // A replica stopping mid-request can surface as a bare SocketException ("Transport endpoint is not
                // connected", from reading the connection's remote end point) rather than wrapped in HttpRequestException.
                Interlocked.Increment(ref _failed);
                await Task.Delay(20);
            }
        }
    }
}
