using System.Collections.Concurrent;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Kubernetes.Controller;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>The controller with the real Kubernetes ports once its caches are filled.</summary>
public sealed class SteadyStateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_steady_state_pass_and_the_scrapes_beside_it_make_no_LIST_call()
    {
        await using var cluster = await ClusterAsync(pods: 2);
        using var http = new HttpClient();
        var results = new ConcurrentQueue<string>();
        var controller = Controller(cluster, http);
        controller.Reconciled += (_, result) => results.Enqueue(result);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = controller.RunAsync(stop.Token);

        await cluster.ApplyAsync("orders", RefusedScrapes);
        await Eventually.UntilAsync(() => Passes(results) >= 1, Patience, "the first pass after the first window");
        cluster.Server.Requests.Clear();
        var before = Passes(results);
        await Eventually.UntilAsync(() => Passes(results) > before, Patience, "the next pass, one window later");
        var requests = cluster.Server.Requests.Records;
        await stop.CancelAsync();
        await running;

        Assert.True(controller.Synced);
        Assert.DoesNotContain(requests, r => r.Verb == "list");
        Assert.Equal(1, controller.Informers.PodLists);
        Assert.DoesNotContain(results, r => r == ReconcileResult.Error);
    }

    [Fact]
    public async Task After_its_status_write_is_echoed_the_operator_keeps_one_copy_of_the_ApiTuning()
    {
        await using var cluster = await ClusterAsync(pods: 1);
        using var http = new HttpClient();
        var writers = new ConcurrentQueue<KubernetesStatusWriter>();
        var controller = Controller(cluster, http, (client, resource, options) =>
        {
            var ports = KubernetesPorts.Create(client, resource, options);
            writers.Enqueue(ports.Status);
            return ports;
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var running = controller.RunAsync(stop.Token);

        await cluster.ApplyAsync("orders", RefusedScrapes);
        await Eventually.UntilAsync(() => controller.StatusWrites >= 1, Patience, "the first status write");
        var writer = Assert.Single(writers);
        var key = $"{cluster.Namespace}/orders";

        // The watch's copy of the version written becomes the writer's: one object, not two equal ones.
        await Eventually.UntilAsync(() => ReferenceEquals(controller.TuningWatchers[0].Get(key), writer.Resource), Patience, "the writer to keep the watch's copy");
        Assert.NotNull(writer.Resource.Status);
        await stop.CancelAsync();
        await running;
    }

    // Nothing listens on port 1 of loopback: every scrape is refused at once and the engine holds.
    private const string RefusedScrapes = """
        {
          "targetRef": { "name": "orders-api" },
          "objectives": { "p99LatencyMs": 250 },
          "metrics": { "window": "10s", "scrapesPerWindow": 5, "port": 1 }
        }
        """;

    /// <summary>A cluster with the orders-api Deployment and <paramref name="pods"/> ready pods of it.</summary>
    private static async Task<KubeTestCluster> ClusterAsync(int pods)
    {
        var cluster = await KubeTestCluster.StartAsync();
        try
        {
            await cluster.CreateDeploymentAsync("orders-api", replicas: pods);
            foreach (var suffix in "abcdefgh"[..pods])
            {
                await cluster.CreatePodAsync($"orders-api-{suffix}", "orders-api", "127.0.0.1", ready: true);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The controller of the cluster's namespace with the Kubernetes ports (or those <paramref name="ports"/> makes).</summary>
    private static ApiTuningController Controller(KubeTestCluster cluster, HttpClient http, Func<k8s.IKubernetes, ApiTuningResource, KubernetesPortOptions, KubernetesPortSet>? ports = null) =>
        new(cluster.OperatorClient, new ControllerOptions
        {
            Namespaces = [cluster.Namespace],
            Ports = new KubernetesPortOptions { Http = http, ScrapeTimeout = TimeSpan.FromMilliseconds(500) },
            PortFactory = ports ?? KubernetesPorts.Create,
        }, new OperatorMetrics(), new TestLogger("operator"));

    private static int Passes(ConcurrentQueue<string> results) =>
        results.Count(r => r is ReconcileResult.Held or ReconcileResult.Acted or ReconcileResult.Recommended);
}
