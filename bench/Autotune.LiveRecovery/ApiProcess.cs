using System.Diagnostics;
using System.Net;
using System.Text;
using Autotune.Testing;

namespace Autotune.LiveRecovery;

/// <summary>One sample API process on loopback, started from its apphost built beside the benchmark.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };

    private ApiProcess(IReadOnlyList<string> command, IDictionary<string, string> environment, int port, int metricsPort)
    {
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        MetricsUri = new Uri($"http://127.0.0.1:{metricsPort}/metrics");
        _process = ProcessRunner.Start(command[0], [.. command.Skip(1), "--urls", BaseUri.ToString().TrimEnd('/')], _log, environment: environment);
    }

    /// <summary>The API's base URL.</summary>
    public Uri BaseUri { get; }

    /// <summary>The agent's metrics endpoint.</summary>
    public Uri MetricsUri { get; }

    /// <summary>Starts the process and waits until /readyz answers 200 (users seeded, PostgreSQL and Redis reachable).</summary>
    public static async Task<ApiProcess> StartAsync(IReadOnlyList<string> command, IDictionary<string, string> environment, int port, int metricsPort, CancellationToken cancellationToken)
    {
        var api = new ApiProcess(command, environment, port, metricsPort);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(3));
            while (true)
            {
                if (api._process.HasExited)
                {
                    throw new InvalidOperationException($"the sample API exited with {api._process.ExitCode}: {api._log}");
                }

                try
                {
                    using var response = await api._http.GetAsync(new Uri(api.BaseUri, "readyz"), deadline.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return api;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // One probe timed out; the deadline decides.
                }

                await Task.Delay(250, deadline.Token);
            }
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>The agent's metrics now (served from its own thread, so it answers while the API is starved), or null.</summary>
    public async Task<string?> ScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _http.GetStringAsync(MetricsUri, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(15));
        _process.Dispose();
    }
}
