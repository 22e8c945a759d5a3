using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Tests.Kubernetes.Controller;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// The controller with the Kubernetes ports against the in-process API server, for what needs no running pods:
/// an autoscaler owning the replicas, and API faults on status writes.
/// </summary>
public sealed class ApiFaultScenarioTests
{
    private const string StatusPath = "/apis/autotune.dev/v1alpha1/namespaces/*/apitunings/*/status";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_HPA_on_the_target_leaves_replicas_untouched_and_says_so_while_status_writes_answered_409_and_500_are_retried()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment("orders-api", 3), cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "orders-api" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                MinReplicas = 2,
                MaxReplicas = 10,
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "orders-api" },
            },
        }, cluster.Namespace, cancellationToken: Ct);
        cluster.Server.Faults.FailNext(1, "PATCH", StatusPath, 409);
        cluster.Server.Faults.FailNext(2, "PATCH", StatusPath, 500);
        using var http = new HttpClient();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var controller = new ApiTuningController(cluster.OperatorClient, new ControllerOptions
        {
            Namespaces = [cluster.Namespace],
            FailureBackoffBase = TimeSpan.FromMilliseconds(50),
            Ports = new KubernetesPortOptions { Http = http, ScrapeTimeout = TimeSpan.FromMilliseconds(500) },
        }, new OperatorMetrics(), new TestLogger("operator"));
        var running = controller.RunAsync(stop.Token);

        await cluster.ApplyAsync("orders", """
            {
              "targetRef": { "name": "orders-api" },
              "objectives": { "p99LatencyMs": 250 },
              "metrics": { "window": "10s", "scrapesPerWindow": 5 },
              "behavior": { "cooldownSeconds": 10, "scaleInStabilizationSeconds": 10 },
              "knobs": { "replicas": { "min": 1, "max": 6 } }
            }
            """);
        var resource = await Eventually.UntilAsync(
            () => cluster.GetApiTuningAsync("orders"),
            r => r.Status?.Conditions.Any(c => c.Type == ConditionTypes.ReplicasManagedElsewhere) == true,
            TimeSpan.FromSeconds(60),
            "the ReplicasManagedElsewhere condition");
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
        await stop.CancelAsync();
        await running;

        var elsewhere = resource.Status!.Conditions.Single(c => c.Type == ConditionTypes.ReplicasManagedElsewhere);
        Assert.Equal(ConditionStatus.True, elsewhere.Status);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal(0, cluster.Server.Requests.Count("patch", "/scale"));
        var statusWrites = cluster.Server.Requests.Records.Where(r => r.Method == "PATCH" && r.Path.EndsWith("/status", StringComparison.Ordinal)).Select(r => r.Status).ToList();
        Assert.Equal([409, 500, 500], statusWrites.Take(3));
        Assert.Contains(200, statusWrites.Skip(3));
    }
}
