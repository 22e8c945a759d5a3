using Autotune.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Tests;

/// <summary>A minimal ASP.NET Core app with the agent, on Kestrel on a free loopback port, its metrics on another.</summary>
internal sealed class AgentApp : IAsyncDisposable
{
    private AgentApp(WebApplication app, int port)
    {
        App = app;
        BaseUri = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public IAutotuneAgent Agent => App.Services.GetRequiredService<IAutotuneAgent>();

    public ITunedDataSource DataSource => App.Services.GetRequiredService<ITunedDataSource>();

    public static async Task<AgentApp> StartAsync(
        Action<AutotuneAgentOptions>? configure = null,
        Action<IEndpointRouteBuilder>? endpoints = null,
        CancellationToken cancellationToken = default,
        LogCapture? logs = null,
        Action<WebApplication>? pipeline = null,
        Action<WebApplicationBuilder>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        }

        var port = FreePort.Next();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        services?.Invoke(builder);
        builder.AddAutotuneAgent(options =>
        {
            options.MetricsPort = 0;
            options.MetricsAddress = "127.0.0.1";
            options.TuningFilePollInterval = TimeSpan.FromMilliseconds(100);
            configure?.Invoke(options);
        });
        var app = builder.Build();
        pipeline?.Invoke(app);
        app.MapGet("/ping", () => "pong");
        endpoints?.Invoke(app);
        await app.StartAsync(cancellationToken);
        return new AgentApp(app, port);
    }

    /// <summary>Scrapes the agent's metrics endpoint with a fresh connection.</summary>
    public async Task<string> ScrapeAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await client.GetStringAsync(Agent.MetricsUri, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
