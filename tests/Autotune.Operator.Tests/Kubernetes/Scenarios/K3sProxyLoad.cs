using System.Globalization;
using System.Net;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// Keeps a few GET /users/{id} requests in flight at a sample API's Service through the API server's service proxy
/// (the pods' addresses are not reachable from outside the K3s node), until disposed. Light load: enough requests
/// for the operator's window to see traffic, not a load test.
/// </summary>
internal sealed class K3sProxyLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task[] _workers;
    private int _ok;
    private int _failed;
    private string _lastFailure = "none";

    private K3sProxyLoad(K3sCluster cluster, string @namespace, string service, int concurrency)
    {
        var path = $"/api/v1/namespaces/{@namespace}/services/{service}:http/proxy/users/";
        var headers = new Dictionary<string, string> { ["X-Api-Key"] = K3sInstall.ApiKey };
        _workers = [.. Enumerable.Range(0, concurrency).Select(worker => Task.Run(() => WorkAsync(cluster, path, headers, worker)))];
    }

    /// <summary>Requests answered 200.</summary>
    public int Ok => Volatile.Read(ref _ok);

    /// <summary>Requests answered otherwise or not at all.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The last failure (status and body, or the exception), for messages.</summary>
    public string LastFailure => Volatile.Read(ref _lastFailure);

    public static K3sProxyLoad Start(K3sCluster cluster, string @namespace, string service, int concurrency) => new(cluster, @namespace, service, concurrency);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }

    public override string ToString() => $"{Ok} ok, {Failed} failed (last failure: {LastFailure})";

    private async Task WorkAsync(K3sCluster cluster, string path, Dictionary<string, string> headers, int worker)
    {
        var random = new Random(worker);
        while (!_stop.IsCancellationRequested)
        {
            var id = random.Next(1, 1_000).ToString(CultureInfo.InvariantCulture);
            try
            {
                var (status, body) = await cluster.ProxyGetAsync(path + id, headers, _stop.Token);
                if (status == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _ok);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                    Volatile.Write(ref _lastFailure, $"{(int)status}: {body[..Math.Min(body.Length, 200)]}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or System.Net.Sockets.SocketException or IOException)
            {
                Interlocked.Increment(ref _failed);
                Volatile.Write(ref _lastFailure, $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
