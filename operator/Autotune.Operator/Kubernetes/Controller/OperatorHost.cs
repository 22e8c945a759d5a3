using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;


namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// <c>autotune operator</c>: the controller under leader election, with /healthz, /readyz and the operator's own
/// /metrics on a port of their own, JSON logs with a scope per reconcile, and a graceful stop on SIGTERM.
/// </summary>
public static class OperatorHost
{
    /// <summary>Runs until SIGTERM/Ctrl+C or <paramref name="cancellationToken"/>.</summary>
    public static async Task<int> RunAsync(OperatorHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(options.HealthPort));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownGrace + TimeSpan.FromSeconds(5));
        await using var app = builder.Build();

        var config = options.Kubeconfig is null && KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig ?? KubeconfigFromEnvironment());
        using var client = new k8s.Kubernetes(config);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var metrics = new OperatorMetrics();
        var leader = new LeaderOptions
        {
            Enabled = options.LeaderElection,
            LeaseName = options.LeaseName,
            LeaseNamespace = options.LeaseNamespace ?? config.Namespace ?? "default",
        };
        var controller = new ControllerOptions
        {
            Namespaces = options.Namespaces,
            Workers = options.Workers,
            ShutdownGrace = options.ShutdownGrace,
            Ports = new KubernetesPortOptions { Http = http, ScrapeTimeout = options.ScrapeTimeout, StatusWriteTimeout = options.StatusWriteTimeout, ReportingInstance = leader.Identity },
        };
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Autotune.Operator.Controller");
        var runner = new LeaderElectedController(client, leader, controller, metrics, logger);
        MapEndpoints(app, runner, metrics);

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, app.Lifetime.ApplicationStopping);
        await app.StartAsync(stopping.Token);
        await runner.RunAsync(stopping.Token);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>
    /// /healthz (the process serves), /readyz (competing for the Lease; when leading, every watch listed and none
    /// waiting out a failure, every loop running; a 503 names what is down) and /metrics.
    /// </summary>
    public static void MapEndpoints(IEndpointRouteBuilder app, LeaderElectedController runner, OperatorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(metrics);
        app.MapGet("/healthz", () => TypedResults.Text("ok"));
        app.MapGet("/readyz", () => runner.NotReady is { Count: > 0 } down
            ? Results.Text("not ready: " + string.Join("; ", down), statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text(runner.IsLeader ? "ok: leading" : "ok: standing by"));
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            metrics.QueueDepth.Set(runner.Current?.Queue.Count ?? 0);
            metrics.Down.Set(runner.NotReady.Count);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
    }

    /// <summary>
    /// The first file KUBECONFIG names (it may list several, separated as PATH is), as kubectl reads it; null for the
    /// client's own default, ~/.kube/config.
    /// </summary>
    private static string? KubeconfigFromEnvironment() =>
        Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
