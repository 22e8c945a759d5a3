using Autotune.Operator.Kubernetes.Adapters;
using k8s;
using k8s.Models;
using Xunit;
using static Autotune.Operator.Tests.Kubernetes.KubeTestCluster;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class DeploymentWorkloadTests
{
    [Theory]
    [InlineData("500m", "250m", 0.5)]
    [InlineData(null, "250m", 0.25)]
    [InlineData("2", null, 2.0)]
    [InlineData(null, null, null)]
    public void A_pods_CPU_is_its_app_containers_limit_else_its_request(string? limit, string? request, double? cores)
    {
        var resources = new V1ResourceRequirements
        {
            Limits = limit is null ? null : new Dictionary<string, ResourceQuantity> { ["cpu"] = new(limit) },
            Requests = request is null ? null : new Dictionary<string, ResourceQuantity> { ["cpu"] = new(request) },
        };
        var pod = new V1Pod
        {
            Spec = new V1PodSpec
            {
                Containers =
                [
                    new V1Container { Name = "proxy", Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } } },
                    new V1Container { Name = "api", Ports = [new V1ContainerPort { ContainerPort = 9464 }], Resources = resources },
                ],
            },
        };

        Assert.Equal(cores, new DeploymentWorkload(null!, "shop", "orders-api", "orders", 9464, "/metrics").CpuCores(pod));
    }

    [Fact]
    public async Task Reads_replicas_and_only_the_ready_pods_of_the_deployment_with_their_metrics_urls()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 3);
        await cluster.CreatePodAsync("orders-api-7d9f-a", "orders-api", "10.1.0.7", ready: true);
        await cluster.CreatePodAsync("orders-api-7d9f-b", "orders-api", "10.1.0.8", ready: false);
        await cluster.CreatePodAsync("orders-api-7d9f-c", "orders-api", ip: null, ready: false);
        await cluster.CreatePodAsync("billing-5c4d-a", "billing", "10.1.0.9", ready: true);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics");

        var state = await workload.ReadAsync(Ct);

        Assert.Equal(3, state.DesiredReplicas);
        Assert.Equal(1, state.ReadyReplicas);
        var pod = Assert.Single(state.Pods);
        Assert.Equal(("orders-api-7d9f-a", "http://10.1.0.7:9464/metrics"), (pod.Name, pod.MetricsUrl.ToString()));
        Assert.True(state.CanScale);
        Assert.Null(state.ScaleNote);
    }

    [Fact]
    public async Task Scales_through_the_scale_subresource()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics");

        await workload.ScaleAsync(5, Ct);

        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(5, deployment.Spec.Replicas);
        Assert.Equal(1, cluster.Server.Requests.Count("patch", "/deployments/orders-api/scale"));
    }

    [Fact]
    public async Task An_hpa_on_the_deployment_owns_its_replicas_so_they_are_left_alone()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await CreateHpaAsync(cluster, "orders-hpa", "orders-api");
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics");

        var state = await workload.ReadAsync(Ct);

        Assert.False(state.CanScale);
        Assert.Contains("HorizontalPodAutoscaler orders-hpa", state.ScaleNote, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => workload.ScaleAsync(4, Ct));
        Assert.Contains("orders-hpa", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Server.Requests.Count("patch", "/scale"));
    }

    [Fact]
    public async Task An_hpa_on_another_deployment_and_an_absent_keda_leave_replicas_tunable()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await CreateHpaAsync(cluster, "billing-hpa", "billing");
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics");

        Assert.Null(await workload.ReplicaOwnerAsync(Ct));
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/scaledobjects")); // asked, answered 404: KEDA is not installed
    }

    [Fact]
    public async Task A_keda_scaledobject_on_the_deployment_owns_its_replicas()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await cluster.InstallKedaCrdAsync();
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(new Dictionary<string, object>
        {
            ["apiVersion"] = "keda.sh/v1alpha1",
            ["kind"] = "ScaledObject",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "orders-scaler" },
            ["spec"] = new Dictionary<string, object> { ["scaleTargetRef"] = new Dictionary<string, object> { ["name"] = "orders-api" } },
        }, "keda.sh", "v1alpha1", cluster.Namespace, "scaledobjects", cancellationToken: Ct);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics");

        var state = await workload.ReadAsync(Ct);

        Assert.False(state.CanScale);
        Assert.Contains("KEDA ScaledObject orders-scaler", state.ScaleNote, StringComparison.Ordinal);
    }

    private static Task CreateHpaAsync(KubeTestCluster cluster, string name, string deployment) =>
        cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                MaxReplicas = 10,
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = deployment },
            },
        }, cluster.Namespace, cancellationToken: Ct);
}
