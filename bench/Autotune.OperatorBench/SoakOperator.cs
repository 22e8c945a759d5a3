using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using Microsoft.Extensions.Logging;

namespace Autotune.OperatorBench;

/// <summary>
/// One operator instance of the fault soak, in this process: the controller under leader election on the Lease
/// <c>default/autotune-operator</c>, every namespace, the Kubernetes ports. Every term's controller reports its
/// passes to <see cref="Reconciled"/>. <see cref="KillAsync"/> ends it abruptly, as a SIGKILL would: its client is
/// disposed first, so nothing in flight completes and the Lease is not handed back.
/// </summary>
public sealed class SoakOperator : IAsyncDisposable
{
    /// <summary>The Lease the soak's operators compete for.</summary>
    public static readonly (string Namespace, string Name) Lease = ("default", "autotune-operator");

    private readonly k8s.Kubernetes _client;
    private readonly HttpClient _http = new();
    private readonly ILoggerFactory _logs;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private int _terms;

    private SoakOperator(string url, string identity, string? token)
    {
        Identity = identity;
        _logs = LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).AddFilter((_, level) => level >= LogLevel.Warning));
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = url, AccessToken = token });
        Runner = new LeaderElectedController(_client, new LeaderOptions
        {
            LeaseNamespace = Lease.Namespace,
            LeaseName = Lease.Name,
            Identity = identity,
        }, new ControllerOptions { Ports = new KubernetesPortOptions { Http = _http, ReportingInstance = identity } }, Metrics, _logs.CreateLogger("Autotune.Operator.Controller"));
        Runner.StartedLeading += controller =>
        {
            Interlocked.Increment(ref _terms);
            controller.Reconciled += (key, result) => Reconciled?.Invoke(key, result);
        };
        _running = Runner.RunAsync(_stop.Token);
    }

    /// <summary>Raised after every pass of any term: the key and its result.</summary>
    public event Action<string, string>? Reconciled;

    /// <summary>The identity in the Lease.</summary>
    public string Identity { get; }

    /// <summary>The leader-elected controller.</summary>
    public LeaderElectedController Runner { get; }

    /// <summary>The instance's metrics.</summary>
    public OperatorMetrics Metrics { get; } = new();

    /// <summary>Terms led so far.</summary>
    public int Terms => Volatile.Read(ref _terms);

    /// <summary>
    /// Starts competing for the Lease, authenticated by <paramref name="token"/> when given, so the server's request log
    /// names this instance as the user of each of its requests.
    /// </summary>
    public static SoakOperator Start(string url, string identity, string? token = null) => new(url, identity, token);

    /// <summary>Ends the instance abruptly: its API client goes first (every call in flight or to come fails), then it is cancelled.</summary>
    public async Task KillAsync()
    {
        _client.Dispose();
        _http.Dispose();
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
#pragma warning disable CA1031 // A killed instance may fail any way; only that it stops matters.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Killed.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _running;
        }

        _client.Dispose();
        _http.Dispose();
        _logs.Dispose();
        _stop.Dispose();
    }
}
