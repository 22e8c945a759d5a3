using System.Text.Json;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using k8s;
using Microsoft.Extensions.Logging;

namespace Autotune.OperatorBench;

/// <summary>
/// The operator under test: the cluster controller (no leader election, every namespace, the Kubernetes ports)
/// against the API server at a URL, reporting a <see cref="ProbeStats"/> line every two seconds.
/// </summary>
public sealed class OperatorSide : IAsyncDisposable
{
    /// <summary>Prefix of a stats line on the child's stdout.</summary>
    public const string StatPrefix = "STAT ";

    private readonly k8s.Kubernetes _client;
    private readonly HttpClient _http = new();
    private readonly ILoggerFactory _logs;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private OperatorSide(string url, int expected, ILoggerFactory logs)
    {
        _logs = logs;
        var timing = new ApiTiming();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = url }, timing);
        var controller = new ApiTuningController(_client, new ControllerOptions
        {
            Ports = new KubernetesPortOptions { Http = _http },
        }, Metrics, logs.CreateLogger("Autotune.Operator.Controller"));
        Controller = controller;
        Probe = new ControllerProbe(controller, expected) { Api = timing };
        _running = controller.RunAsync(_stop.Token);
    }

    /// <summary>The controller under test.</summary>
    public ApiTuningController Controller { get; }

    /// <summary>The controller's own metrics.</summary>
    public OperatorMetrics Metrics { get; } = new();

    /// <summary>The controller's numbers.</summary>
    public ControllerProbe Probe { get; }

    /// <summary>Starts the controller in this process (warnings and errors to stderr).</summary>
    public static OperatorSide Start(string url, int expected) =>
        new(url, expected, LoggerFactory.Create(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).AddFilter((_, level) => level >= LogLevel.Warning)));

    /// <summary>The child process's main: runs until stdin says stop (or closes), printing stats lines.</summary>
    public static async Task<int> RunChildAsync(string url, int expected)
    {
        await using var side = Start(url, expected);
        using var reporting = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
            while (await timer.WaitForNextTickAsync(reporting.Token).ConfigureAwait(false))
            {
                await Console.Out.WriteLineAsync(StatPrefix + JsonSerializer.Serialize(side.Probe.Snapshot()));
                await Console.Out.FlushAsync(reporting.Token);
            }
        });
        await Console.In.ReadLineAsync();
        var live = side.LiveBytes();
        await reporting.CancelAsync();
        try
        {
            await reporter;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await side.StopAsync();
        await Console.Out.WriteLineAsync(StatPrefix + JsonSerializer.Serialize(side.Probe.Snapshot() with { LiveBytes = live }));
        await Console.Out.FlushAsync();
        return 0;
    }

    /// <summary>The managed heap still reachable after a full, compacting collection (sessions and caches included).</summary>
    public long LiveBytes() => GC.GetTotalMemory(forceFullCollection: true);

    /// <summary>Stops the controller.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _client.Dispose();
        _http.Dispose();
        _logs.Dispose();
        _stop.Dispose();
    }
}
