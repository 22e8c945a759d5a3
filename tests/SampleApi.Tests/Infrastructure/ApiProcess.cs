using System.Diagnostics;
using System.Text;
using Autotune.Testing;

namespace SampleApi.Tests.Infrastructure;

/// <summary>The sample API as a separate process (the built SampleApi next to the tests), configured by environment.</summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;

    private ApiProcess(Process process, StringBuilder log, Uri baseUri)
    {
        _process = process;
        _log = log;
        BaseUri = baseUri;
        Http = ApiHost.Client(baseUri);
    }

    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    public string Log => _log.ToString();

    public static async Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var port = FreePort.Next();
        var environment = settings.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value ?? string.Empty);
        var log = new StringBuilder();
        var program = Path.Combine(AppContext.BaseDirectory, "SampleApi");
        var process = ProcessRunner.Start(program, ["--urls", $"http://127.0.0.1:{port}"], log, environment: environment);
        var api = new ApiProcess(process, log, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await ProcessRunner.WaitForPortAsync(port, TimeSpan.FromSeconds(60), () => log.ToString(), process, cancellationToken);
            await Eventually.TrueAsync(
                async () => (await api.Http.GetAsync(new Uri("/readyz", UriKind.Relative), cancellationToken)).IsSuccessStatusCode,
                TimeSpan.FromSeconds(60),
                "the child API answers /readyz 200",
                cancellationToken);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }

        return api;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
