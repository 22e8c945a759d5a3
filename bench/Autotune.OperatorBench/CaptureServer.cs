using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autotune.OperatorBench;

/// <summary>
/// Serves a recorded Prometheus text capture of the sample API to every scrape, on 127.0.0.1: the benchmark's pods
/// are objects in the API test server, not processes, and all point their metrics endpoint here. The pods of the
/// ApiTunings that ask for changes (<see cref="StarvingPods"/>) get metrics of their own, by path.
/// </summary>
public sealed class CaptureServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _scrapes;

    private CaptureServer(WebApplication app) => _app = app;

    /// <summary>The port (the ApiTunings' spec.metrics.port).</summary>
    public int Port { get; private set; }

    /// <summary>Scrapes answered.</summary>
    public long Scrapes => Interlocked.Read(ref _scrapes);

    /// <summary>The capture shipped with the benchmark (the sample API's exporter output).</summary>
    public static string DefaultCapture => Path.Combine(AppContext.BaseDirectory, "captures", "otel-sample-api.prom");

    /// <summary>
    /// Starts serving <paramref name="capturePath"/> on a free loopback port; the paths of <paramref name="starving"/>
    /// get their own pods' metrics instead.
    /// </summary>
    public static async Task<CaptureServer> StartAsync(string capturePath, CancellationToken cancellationToken, StarvingPods? starving = null)
    {
        var body = await File.ReadAllBytesAsync(capturePath, cancellationToken);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new CaptureServer(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._scrapes);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await context.Response.Body.WriteAsync(starving?.Render(context.Request.Path.Value ?? "/") ?? body, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        server.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
