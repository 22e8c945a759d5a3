using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Autotune.Testing;

/// <summary>A real Prometheus server on 127.0.0.1 scraping the given targets, with its data in a temporary directory.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private PrometheusServer(string root, int port)
    {
        _root = root;
        Port = port;
    }

    /// <summary>The port of its HTTP API.</summary>
    public int Port { get; }

    /// <summary>Base URL of its HTTP API.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>Its log so far.</summary>
    public string Log => _log.ToString();

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (host:port) at <paramref name="metricsPath"/> every <paramref name="scrapeInterval"/>.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<string> targets, TimeSpan scrapeInterval, string metricsPath = "/metrics", CancellationToken cancellationToken = default)
    {
        var server = new PrometheusServer(Directory.CreateTempSubdirectory("autotune-prom-").FullName, FreePort.Next());
        var interval = string.Create(CultureInfo.InvariantCulture, $"{(int)scrapeInterval.TotalMilliseconds}ms");
        var config = $"""
            global:
              scrape_interval: {interval}
              scrape_timeout: {interval}
            scrape_configs:
              - job_name: api
                metrics_path: {metricsPath}
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """;
        var configPath = Path.Combine(server._root, "prometheus.yml");
        await File.WriteAllTextAsync(configPath, config, cancellationToken);
        server._process = ProcessRunner.Start(
            Binaries.Require("prometheus", "prometheus"),
            [
                $"--config.file={configPath}",
                $"--storage.tsdb.path={Path.Combine(server._root, "data")}",
                $"--web.listen-address=127.0.0.1:{server.Port}",
                "--log.level=warn",
            ],
            server._log);
        try
        {
            await ProcessRunner.WaitForPortAsync(server.Port, TimeSpan.FromSeconds(60), () => server._log.ToString(), server._process, cancellationToken);
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Waits for /-/ready: Prometheus listens before its storage is open and answers queries 503 until then.
    /// </summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(5) };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/-/ready", UriKind.Relative), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }

            try
            {
                await Task.Delay(100, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Prometheus on port {Port} was not ready within {timeout.TotalSeconds:0} s; its log: {_log}");
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(10));
            _process.Dispose();
            _process = null;
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
