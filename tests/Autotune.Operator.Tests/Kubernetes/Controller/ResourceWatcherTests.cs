using System.Collections.Concurrent;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class ResourceWatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lists_once_then_follows_creates_scales_and_deletes_through_the_watch()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment("orders", 2), cluster.Namespace, cancellationToken: Ct);
        await using var run = Run(cluster);
        await run.Watcher.Synced.WaitAsync(Patience, Ct);
        Assert.Equal(2, run.Watcher.Get($"{cluster.Namespace}/orders")?.Spec.Replicas);

        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment("carts", 1), cluster.Namespace, cancellationToken: Ct);
        await run.SeenAsync(WatchEventType.Added, "carts");
        await cluster.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "orders", cluster.Namespace, cancellationToken: Ct);
        var scaled = await run.SeenAsync(WatchEventType.Modified, "orders");
        await cluster.Client.AppsV1.DeleteNamespacedDeploymentAsync("carts", cluster.Namespace, cancellationToken: Ct);
        await run.SeenAsync(WatchEventType.Deleted, "carts");

        Assert.Equal((2, 5), (scaled.Before?.Spec.Replicas, scaled.Now.Spec.Replicas));
        Assert.Null(run.Watcher.Get($"{cluster.Namespace}/carts"));
        Assert.Equal(1, run.Watcher.Lists);
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/deployments"));
    }

    [Fact]
    public async Task A_dropped_watch_resumes_from_its_resourceVersion_without_listing_again()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await using var run = Run(cluster);
        await run.Watcher.Synced.WaitAsync(Patience, Ct);

        for (var i = 0; i < 3; i++)
        {
            cluster.Server.Faults.DropWatches();
            await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment($"api-{i}", 1), cluster.Namespace, cancellationToken: Ct);
            await run.SeenAsync(WatchEventType.Added, $"api-{i}");
        }

        Assert.Equal(1, run.Watcher.Lists);
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/deployments"));
        Assert.True(cluster.Server.Requests.Count("watch", "/deployments") >= 2);
        Assert.Equal(3, run.Events.Count(e => e.Type == WatchEventType.Added));
    }

    [Fact]
    public async Task A_410_lists_again_and_reports_what_changed_while_no_watch_was_open()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment("old", 1), cluster.Namespace, cancellationToken: Ct);
        await using var run = Run(cluster);
        await run.Watcher.Synced.WaitAsync(Patience, Ct);

        // Keep the watcher off the server while objects change and the history it would resume from is compacted.
        cluster.Server.Faults.FailNext(100_000, "GET", "/apis/apps/v1/namespaces/*/deployments", 503);
        // (Dropped until a reconnect is refused: a watch still opening when the first drop comes is not dropped.)
        await Eventually.UntilAsync(
            () =>
            {
                cluster.Server.Faults.DropWatches();
                return cluster.Server.Requests.Records.Any(r => r.Status == 503);
            },
            Patience,
            "a refused reconnect");
        await cluster.Client.AppsV1.DeleteNamespacedDeploymentAsync("old", cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment("new", 1), cluster.Namespace, cancellationToken: Ct);
        cluster.Server.Store.Compact();
        cluster.Server.Faults.Clear();

        await run.SeenAsync(WatchEventType.Added, "new");
        await run.SeenAsync(WatchEventType.Deleted, "old");
        Assert.Equal(2, run.Watcher.Lists);
        Assert.Null(run.Watcher.Get($"{cluster.Namespace}/old"));
        Assert.NotNull(run.Watcher.Get($"{cluster.Namespace}/new"));
    }

    [Fact]
    public async Task ApiTunings_are_read_as_the_engine_spec_in_one_namespace()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        var watcher = new ResourceWatcher<ApiTuningResource>(
            ApiTuningWatchSource.Create(cluster.OperatorClient, cluster.Namespace, TimeSpan.FromMinutes(1)),
            new Backoff(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)), NullLogger.Instance, TimeProvider.System);
        var added = new TaskCompletionSource<ApiTuningResource>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Changed += (type, item, _) =>
        {
            if (type == WatchEventType.Added)
            {
                added.TrySetResult(item);
            }
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = watcher.RunAsync(stop.Token);

        await cluster.ApplyAsync("orders", """{ "targetRef": { "name": "orders-api" }, "objectives": { "p99LatencyMs": 250 } }""");
        var seen = await added.Task.WaitAsync(Patience, Ct);
        await stop.CancelAsync();
        await running;

        Assert.Equal(("orders-api", 250), (seen.Spec.TargetRef.Name, seen.Spec.Objectives.P99LatencyMs));
        Assert.Equal($"{cluster.Namespace}/orders", seen.Key);
    }

    private static WatcherRun Run(KubeTestCluster cluster) => new(cluster);

    private sealed class WatcherRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly Task _running;

        public WatcherRun(KubeTestCluster cluster)
        {
            Watcher = new ResourceWatcher<V1Deployment>(
                WatchSources.Deployments(cluster.OperatorClient, cluster.Namespace, TimeSpan.FromMinutes(1)),
                new Backoff(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100)), new TestLogger("watcher"), TimeProvider.System);
            Watcher.Changed += (type, now, before) => Events.Enqueue((type, now, before));
            _running = Watcher.RunAsync(_stop.Token);
        }

        public ResourceWatcher<V1Deployment> Watcher { get; }

        public ConcurrentQueue<(WatchEventType Type, V1Deployment Now, V1Deployment? Before)> Events { get; } = new();

        public async Task<(V1Deployment Now, V1Deployment? Before)> SeenAsync(WatchEventType type, string name)
        {
            await Eventually.UntilAsync(() => Events.Any(e => e.Type == type && e.Now.Metadata.Name == name), Patience, $"{type} {name}");
            var found = Events.First(e => e.Type == type && e.Now.Metadata.Name == name);
            return (found.Now, found.Before);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
        }
    }
}
