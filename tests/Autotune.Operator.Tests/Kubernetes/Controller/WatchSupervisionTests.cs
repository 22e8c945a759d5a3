using System.Collections.Concurrent;
using System.Net;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Kubernetes.Machinery;
using Autotune.Testing;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// Every watch and long-running loop of the controller is supervised: an exception nobody expected is counted, the
/// part restarts after a backoff, readiness fails while it is down, and no change is lost meanwhile.
/// </summary>
public sealed class WatchSupervisionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_handler_that_throws_fails_the_watch_which_lists_again_and_delivers_the_change_once_more()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        var watcher = DeploymentWatcher(cluster);
        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentQueue<(WatchEventType Type, string Name)>();
        var throws = 1;
        watcher.Failed += (cause, _) => failures.Enqueue(cause);
        watcher.Changed += (type, now, _) =>
        {
            if (now.Metadata.Name == "carts" && Interlocked.Exchange(ref throws, 0) == 1)
            {
                throw new InvalidOperationException("injected handler failure");
            }
        };
        watcher.Changed += (type, now, _) => seen.Enqueue((type, now.Metadata.Name));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = watcher.RunAsync(stop.Token);
        await watcher.Synced.WaitAsync(Patience, Ct);

        await cluster.CreateDeploymentAsync("carts", 1);
        await Eventually.UntilAsync(() => seen.Contains((WatchEventType.Added, "carts")), Patience, "carts delivered after the re-list");
        await stop.CancelAsync();
        await running;

        Assert.Equal([WatchFailureCauses.Handler], failures);
        Assert.Equal(2, watcher.Lists);
        Assert.Equal(1, seen.Count(e => e.Name == "carts"));
        Assert.NotNull(watcher.Get($"{cluster.Namespace}/carts"));
        Assert.True(running.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_malformed_watch_event_fails_the_watch_which_lists_again_and_reads_the_object_as_stored()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var watcher = new ResourceWatcher<ApiTuningResource>(
            ApiTuningWatchSource.Create(cluster.OperatorClient, cluster.Namespace, TimeSpan.FromMinutes(1)),
            new Backoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)), new TestLogger("watcher"), TimeProvider.System);
        var failures = new ConcurrentQueue<string>();
        watcher.Failed += (cause, _) => failures.Enqueue(cause);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = watcher.RunAsync(stop.Token);
        await watcher.Synced.WaitAsync(Patience, Ct);

        // The next event on the ApiTuning watch carries a number as a string: valid JSON the object type cannot read.
        var rule = cluster.Server.Faults.RewriteNextWatchEvents(
            1, $"/apis/{ApiTuningResource.Group}/{ApiTuningResource.Version}/namespaces/*/{ApiTuningResource.Plural}",
            line => line.Replace("\"p99LatencyMs\":250", "\"p99LatencyMs\":\"fast\"", StringComparison.Ordinal));
        await cluster.ApplyAsync("orders", """{ "targetRef": { "name": "orders-api" }, "objectives": { "p99LatencyMs": 250 } }""");
        var seen = await Eventually.UntilAsync(() => Task.FromResult(watcher.Get($"{cluster.Namespace}/orders")), o => o is not null, Patience, "orders in the cache");
        await stop.CancelAsync();
        await running;

        Assert.Equal(0, rule.Remaining);
        Assert.Equal([WatchFailureCauses.Malformed], failures);
        Assert.Equal(2, watcher.Lists);
        Assert.Equal(250, seen!.Spec.Objectives.P99LatencyMs);
        Assert.True(running.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_operator_is_unready_while_a_watch_is_down_counts_each_failure_and_is_ready_again_once_it_recovers()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        using var http = new HttpClient();
        var metrics = new OperatorMetrics();
        var options = new ControllerOptions
        {
            Namespaces = [cluster.Namespace],
            WatchBackoffInitial = TimeSpan.FromMilliseconds(20),
            WatchBackoffMax = TimeSpan.FromMilliseconds(200),
            Ports = new KubernetesPortOptions { Http = http },
            PortFactory = new FakePorts().Create,
        };
        var runner = new LeaderElectedController(cluster.OperatorClient, new LeaderOptions { Enabled = false }, options, metrics, new TestLogger("operator"));
        await using var endpoints = await EndpointsAsync(runner, metrics);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = runner.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => ReadAsync(http, endpoints, "/readyz"), r => r.Status == 200, Patience, "/readyz 200");
        var controller = runner.Current!;
        var poisoned = 1;
        controller.TuningWatchers.Single().Changed += (_, _, _) =>
        {
            if (Volatile.Read(ref poisoned) == 1)
            {
                throw new InvalidOperationException("injected handler failure");
            }
        };

        await cluster.ApplyAsync("orders", """{ "targetRef": { "name": "orders-api" }, "objectives": { "p99LatencyMs": 250 } }""");
        var down = await Eventually.UntilAsync(() => ReadAsync(http, endpoints, "/readyz"), r => r.Status == 503, Patience, "/readyz 503");
        var scraped = await Eventually.UntilAsync(
            () => ReadAsync(http, endpoints, "/metrics"), r => r.Body.Contains("autotune_controller_down 1", StringComparison.Ordinal), Patience, "the down gauge at 1");
        Volatile.Write(ref poisoned, 0);
        var up = await Eventually.UntilAsync(() => ReadAsync(http, endpoints, "/readyz"), r => r.Status == 200, Patience, "/readyz 200 again");
        var key = $"{cluster.Namespace}/orders";
        await Eventually.UntilAsync(() => controller.TuningWatchers.Single().Get(key) is not null, Patience, "orders in the cache");
        await stop.CancelAsync();
        await running;

        Assert.Equal($"not ready: watch of {ApiTuningResource.Plural} in {cluster.Namespace}", down.Body);
        Assert.Equal("ok: leading", up.Body);
        Assert.Matches("""autotune_watch_failures_total\{collection="apitunings",cause="handler"\} [1-9]""", scraped.Body);
        Assert.True(controller.TuningWatchers.Single().Lists >= 2);
    }

    [Fact]
    public async Task A_worker_that_fails_outside_its_pass_is_counted_restarted_and_its_key_comes_back()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await using var run = ControllerTests.ControllerRun.Start(cluster, new FakePorts(), workers: 1);
        var thrown = 0;
        run.Controller!.Reconciled += (_, _) =>
        {
            if (Interlocked.Exchange(ref thrown, 1) == 0)
            {
                throw new InvalidOperationException("injected failure after a pass");
            }
        };

        await cluster.ApplyAsync("orders", """
            {
              "targetRef": { "name": "orders-api" },
              "objectives": { "p99LatencyMs": 250 },
              "metrics": { "window": "10s", "scrapesPerWindow": 5 },
              "knobs": { "replicas": { "min": 1, "max": 6 } }
            }
            """);

        // The only worker failed after the first pass: only its restart can run the second.
        await Eventually.UntilAsync(() => run.Results.Count >= 2, Patience, "a second pass");
        Assert.Equal(1, run.Metrics.LoopFailures.WithLabels("worker").Value);
        Assert.Equal(ReconcileResult.Started, run.Results.First());
    }

    [Fact]
    public async Task A_controller_that_fails_while_leading_is_replaced_after_a_backoff_and_readiness_fails_meanwhile()
    {
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        var time = new HeldTimers();
        var started = new ConcurrentQueue<FailingController>();
        var failures = new ConcurrentQueue<string>();
        var runner = new LeaderElected<FailingController>(
            client, new LeaderOptions { Enabled = false }, () => new FailingController(), _ => { }, time, new TestLogger("operator"), (loop, _) => failures.Enqueue(loop));
        runner.StartedLeading += started.Enqueue;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = runner.RunAsync(stop.Token);
        await Eventually.UntilAsync(() => runner.Ready && started.Count == 1, Patience, "the first controller running");

        started.Single().Fail();
        await Eventually.UntilAsync(() => time.Pending == 1, Patience, "the backoff before a new controller");
        var down = runner.NotReady;
        var leading = runner.IsLeader;
        time.FireAll();
        await Eventually.UntilAsync(() => runner.Ready && started.Count == 2, Patience, "a second controller running");
        await stop.CancelAsync();
        await running;

        Assert.Equal(["controller restarting"], down);
        Assert.True(leading);
        Assert.Equal(["controller"], failures);
        Assert.False(runner.IsLeader);
    }

    private static async Task<WebApplication> EndpointsAsync(LeaderElectedController runner, OperatorMetrics metrics)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, FreePort.Next()));
        var app = builder.Build();
        OperatorHost.MapEndpoints(app, runner, metrics);
        await app.StartAsync(Ct);
        return app;
    }

    private static async Task<(int Status, string Body)> ReadAsync(HttpClient http, WebApplication app, string path)
    {
        using var response = await http.GetAsync(new Uri(new Uri(app.Urls.First()), path), Ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static ResourceWatcher<V1Deployment> DeploymentWatcher(KubeTestCluster cluster) => new(
        WatchSources.Deployments(cluster.OperatorClient, cluster.Namespace, TimeSpan.FromMinutes(1)),
        new Backoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)), new TestLogger("watcher"), TimeProvider.System);

    /// <summary>A controller that runs until <see cref="Fail"/> makes its run throw.</summary>
    internal sealed class FailingController : ITermController
    {
        private readonly TaskCompletionSource _fail = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Synced => true;

        public IReadOnlyList<string> NotReady => [];

        public void Fail() => _fail.TrySetResult();

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await _fail.Task.WaitAsync(cancellationToken);
            throw new InvalidOperationException("injected controller failure");
        }
    }
}
