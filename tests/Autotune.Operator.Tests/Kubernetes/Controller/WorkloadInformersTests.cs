using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Kubernetes.Machinery;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>The watch-backed cache of pods, HPAs and ScaledObjects the ports read instead of listing.</summary>
public sealed class WorkloadInformersTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_of_pods_hpas_and_scaledobjects_come_from_the_cache_without_a_request()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await cluster.CreatePodAsync("orders-api-a", "orders-api", "10.1.0.7", ready: true, cpuLimit: "250m");
        await cluster.CreatePodAsync("orders-api-b", "orders-api", "10.1.0.8", ready: false);
        await cluster.CreatePodAsync("billing-a", "billing", "10.1.0.9", ready: true);
        await using var run = await InformerRun.StartAsync(cluster);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics", run.Informers);
        cluster.Server.Requests.Clear();

        var state = await workload.ReadAsync(Ct);
        var pods = await workload.ReadyPodsAsync(Ct);

        Assert.Equal((2, 1, true), (state.DesiredReplicas, state.ReadyReplicas, state.CanScale));
        Assert.Equal(("http://10.1.0.7:9464/metrics", 0.25), (Assert.Single(pods).MetricsUrl.ToString(), pods[0].CpuCores));
        Assert.DoesNotContain(cluster.Server.Requests.Records, r => r.Verb is not "watch");
    }

    [Fact]
    public async Task A_pod_added_or_removed_is_seen_by_the_next_read_without_listing()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.CreateDeploymentAsync("orders-api", replicas: 1);
        await cluster.CreatePodAsync("orders-api-a", "orders-api", "10.1.0.7", ready: true);
        await using var run = await InformerRun.StartAsync(cluster);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics", run.Informers);
        Assert.Single(await workload.ReadyPodsAsync(Ct));

        await cluster.CreatePodAsync("orders-api-b", "orders-api", "10.1.0.8", ready: true);
        var grown = await Eventually.UntilAsync(() => workload.ReadyPodsAsync(Ct), p => p.Count == 2, Patience, "the new pod in a read");
        await cluster.DeletePodAsync("orders-api-a");
        var shrunk = await Eventually.UntilAsync(() => workload.ReadyPodsAsync(Ct), p => p.Count == 1, Patience, "the deleted pod gone from a read");

        Assert.Equal(["orders-api-a", "orders-api-b"], grown.Select(p => p.Name));
        Assert.Equal("orders-api-b", Assert.Single(shrunk).Name);
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/pods"));
        Assert.Equal(1, run.Informers.PodLists);
    }

    [Fact]
    public async Task A_410_on_the_pod_watch_lists_again_once_and_the_cache_holds_what_changed_meanwhile()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.CreateDeploymentAsync("orders-api", replicas: 1);
        await cluster.CreatePodAsync("orders-api-old", "orders-api", "10.1.0.7", ready: true);
        await using var run = await InformerRun.StartAsync(cluster);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics", run.Informers);

        // Keep the pod watcher off the server while pods change and the history it would resume from is compacted.
        cluster.Server.Faults.FailNext(100_000, "GET", "/api/v1/namespaces/*/pods", 503);
        await Eventually.UntilAsync(
            () =>
            {
                cluster.Server.Faults.DropWatches();
                return cluster.Server.Requests.Records.Any(r => r.Status == 503 && r.Path.EndsWith("/pods", StringComparison.Ordinal));
            },
            Patience,
            "a refused reconnect of the pod watch");
        await cluster.DeletePodAsync("orders-api-old");
        await cluster.CreatePodAsync("orders-api-new", "orders-api", "10.1.0.8", ready: true);
        cluster.Server.Store.Compact();
        cluster.Server.Faults.Clear();

        var pods = await Eventually.UntilAsync(() => workload.ReadyPodsAsync(Ct), p => p.Count == 1 && p[0].Name == "orders-api-new", Patience, "the pods as they are after the relist");
        Assert.Equal("orders-api-new", Assert.Single(pods).Name);
        Assert.Equal(2, run.Informers.PodLists);
        Assert.Equal(2, cluster.Server.Requests.Count("list", "/pods"));
    }

    [Fact]
    public async Task An_hpa_created_later_is_seen_and_scaling_is_refused_without_listing()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await using var run = await InformerRun.StartAsync(cluster);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics", run.Informers);
        Assert.Null(await workload.ReplicaOwnerAsync(Ct));

        await cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "orders-hpa" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                MaxReplicas = 10,
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "orders-api" },
            },
        }, cluster.Namespace, cancellationToken: Ct);
        var owner = await Eventually.UntilAsync(() => workload.ReplicaOwnerAsync(Ct), o => o is not null, Patience, "the HPA in the cache");

        Assert.Equal("HorizontalPodAutoscaler orders-hpa", owner);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => workload.ScaleAsync(4, Ct));
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/horizontalpodautoscalers"));
        Assert.Equal(0, cluster.Server.Requests.Count("patch", "/scale"));
    }

    [Fact]
    public async Task Without_keda_the_cache_is_empty_and_synced_and_a_keda_installed_later_is_picked_up_by_discovery()
    {
        await using var cluster = await KubeTestCluster.StartAsync(installCrd: false);
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await using var run = await InformerRun.StartAsync(cluster, watchTimeout: TimeSpan.FromSeconds(1));
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics", run.Informers);

        Assert.True(run.Informers.Synced);
        Assert.Empty(run.Informers.ScaledObjects(cluster.Namespace)!);
        Assert.Null(await workload.ReplicaOwnerAsync(Ct));
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/scaledobjects")); // answered 404 once; discovery after that

        await cluster.InstallKedaCrdAsync();
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = "keda.sh/v1alpha1",
            ["kind"] = "ScaledObject",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "orders-scaler" },
            ["spec"] = new Dictionary<string, object> { ["scaleTargetRef"] = new Dictionary<string, object> { ["name"] = "orders-api" } },
        }, "keda.sh", "v1alpha1", cluster.Namespace, "scaledobjects", cancellationToken: Ct);
        var owner = await Eventually.UntilAsync(() => workload.ReplicaOwnerAsync(Ct), o => o is not null, Patience, "the ScaledObject in the cache");

        Assert.Equal("KEDA ScaledObject orders-scaler", owner);
        Assert.True(cluster.Server.Requests.Count("discovery") >= 1);
        Assert.Equal(2, cluster.Server.Requests.Count("list", "/scaledobjects"));

        // After its list the cache watches, so later ScaledObjects arrive without another list.
        await Eventually.UntilAsync(() => Task.FromResult(cluster.Server.Requests.Count("watch", "/scaledobjects")), n => n > 0, Patience, "the ScaledObject watch");
    }

    /// <summary>The Deployment watcher and the informers of one namespace, running until disposed.</summary>
    private sealed class InformerRun : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly HttpClient _http = new();
        private Task _running = Task.CompletedTask;

        public WorkloadInformers Informers { get; private set; } = null!;

        public static async Task<InformerRun> StartAsync(KubeTestCluster cluster, TimeSpan? watchTimeout = null)
        {
            var logger = new TestLogger("informers");
            var run = new InformerRun();
            var options = new ControllerOptions
            {
                WatchTimeout = watchTimeout ?? TimeSpan.FromMinutes(1),
                WatchBackoffInitial = TimeSpan.FromMilliseconds(20),
                WatchBackoffMax = TimeSpan.FromMilliseconds(100),
                Ports = new KubernetesPortOptions { Http = run._http },
            };
            var deployments = new ResourceWatcher<V1Deployment>(
                WatchSources.Deployments(cluster.OperatorClient, cluster.Namespace, options.WatchTimeout),
                new Backoff(options.WatchBackoffInitial, options.WatchBackoffMax), logger, TimeProvider.System);
            run.Informers = new WorkloadInformers(cluster.OperatorClient, [cluster.Namespace], [deployments], options.Watch, _ => { }, logger);
            run._running = Task.WhenAll(deployments.RunAsync(run._stop.Token), run.Informers.RunAsync(run._stop.Token));
            await Eventually.UntilAsync(() => run.Informers.Synced && deployments.Synced.IsCompleted, Patience, "the informers to sync");
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
            _http.Dispose();
        }
    }
}
