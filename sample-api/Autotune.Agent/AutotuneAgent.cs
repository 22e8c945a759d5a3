using System.Net;
using Autotune.Agent.Metrics;
using Autotune.Agent.Tuning;
using Autotune.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent;

/// <summary>The running agent: starts the tuning-file watcher and the metrics listener with the host, stops them with it.</summary>
internal sealed class AutotuneAgent : IAutotuneAgent, IHostedService, IDisposable
{
    private readonly AutotuneAgentOptions _options;
    private readonly TuningApplier _applier;
    private readonly TuningFileWatcher _watcher;
    private readonly MetricsCollector _collector;
    private readonly ILogger<AutotuneAgent> _logger;
    private MetricsListener? _listener;

    public AutotuneAgent(
        AutotuneAgentOptions options,
        TuningApplier applier,
        TuningFileWatcher watcher,
        MetricsCollector collector,
        ILogger<AutotuneAgent> logger)
    {
        _options = options;
        _applier = applier;
        _watcher = watcher;
        _collector = collector;
        _logger = logger;
    }

    public TuningFile? Applied => _applier.Current;

    public long AppliedGeneration => _applier.Current?.Generation ?? 0;

    public long RejectedTuningFiles => _watcher.Rejected;

    public int MetricsPort => Listener.Endpoint.Port;

    public Uri MetricsUri
    {
        get
        {
            var endpoint = Listener.Endpoint;
            var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any)
                ? "127.0.0.1"
                : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                    ? $"[{endpoint.Address}]"
                    : endpoint.Address.ToString();
            return new UriBuilder("http", host, endpoint.Port, AgentEnvironment.MetricsPath).Uri;
        }
    }

    private MetricsListener Listener => _listener ?? throw new InvalidOperationException(
        "The metrics listener is not running: the host has not started, or MetricsListenerEnabled is false.");

    public Task WaitForGenerationAsync(long generation, CancellationToken cancellationToken) =>
        _applier.WaitForGenerationAsync(generation, cancellationToken);

    public string CollectMetrics() => _collector.Collect();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _watcher.Start();
        if (_options.MetricsListenerEnabled)
        {
            _listener = new MetricsListener(ParseAddress(_options.MetricsAddress), _options.MetricsPort, _collector.Collect, _logger, _options.MetricsRequestTimeout, _options.MetricsMaxConnections);
            _listener.Start();
            _logger.LogInformation("Serving metrics on {Address}:{Port}{Path} from a dedicated thread", _listener.Endpoint.Address, _listener.Endpoint.Port, AgentEnvironment.MetricsPath);
        }

        return Task.CompletedTask;
    }

    private static IPAddress ParseAddress(string address) => address switch
    {
        "*" or "+" => IPAddress.Any,
        "localhost" => IPAddress.Loopback,
        _ => IPAddress.TryParse(address, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"{AgentEnvironment.MetricsAddress} must be an IP address, '*' or 'localhost', was '{address}'"),
    };

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        _watcher.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _watcher.Dispose();
    }
}
