using Autotune.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SampleApi.Caching;
using SampleApi.Hosting;

namespace SampleApi.Tests.Infrastructure;

/// <summary>The sample API in this process, on Kestrel on a free loopback port, wired exactly as Program.cs does.</summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private ApiHost(WebApplication app, Uri baseUri, IReadOnlyDictionary<string, string?> settings)
    {
        App = app;
        BaseUri = baseUri;
        Settings = settings;
        Http = Client(baseUri);
    }

    public WebApplication App { get; }

    public Uri BaseUri { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>A client that sends the API key.</summary>
    public HttpClient Http { get; }

    public CacheMetrics Metrics => App.Services.GetRequiredService<CacheMetrics>();

    public static async Task<ApiHost> StartAsync(IDictionary<string, string?> settings, CancellationToken cancellationToken, bool waitUntilReady = true)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.AddSampleApi();
        var app = builder.Build();
        app.UseSampleApi();
        app.MapSampleApi();
        await app.StartAsync(cancellationToken);

        var host = new ApiHost(app, new Uri($"http://127.0.0.1:{port}"), new Dictionary<string, string?>(settings));
        if (waitUntilReady)
        {
            await host.WaitUntilReadyAsync(cancellationToken);
        }

        return host;
    }

    public static HttpClient Client(Uri baseUri, string? apiKey = ApiSettings.ApiKey)
    {
        var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) =>
        Eventually.TrueAsync(
            async () => (await Http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60),
            "/readyz answers 200",
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
