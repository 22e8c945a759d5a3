using Autotune.Operator.Kubernetes.Ports;
using k8s;
using k8s.Models;
using Xunit;
using static Autotune.Operator.Tests.Kubernetes.KubeTestCluster;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class DeploymentWorkloadTests
{
    [Fact]
    public async Task Reads_replicas_and_only_the_ready_pods_of_the_deployment_with_their_metrics_urls()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 3);
        await cluster.CreatePodAsync("orders-api-7d9f-a", "orders-api", "10.1.0.7", ready: true);
        await cluster.CreatePodAsync("orders-api-7d9f-b", "orders-api", "10.1.0.8", ready: false);
        await cluster.CreatePodAsync("orders-api-7d9f-c", "orders-api", ip: null, ready: false);
        await cluster.CreatePodAsync("billing-5c4d-a", "billing", "10.1.0.9", ready: true);
        var workload = new DeploymentWorkload(cluster.Client, cluster.Namespace, "orders-api", 9464, "/metrics");

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
        var workload = new DeploymentWorkload(cluster.Client, cluster.Namespace, "orders-api", 9464, "/metrics");

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
        await cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "orders-hpa" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                MaxReplicas = 10,
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "orders-api" },
            },
        }, cluster.Namespace, cancellationToken: Ct);
        var workload = new DeploymentWorkload(cluster.Client, cluster.Namespace, "orders-api", 9464, "/metrics");

        var state = await workload.ReadAsync(Ct);

        Assert.False(state.CanScale);
        Assert.Contains("HorizontalPodAutoscaler orders-hpa", state.ScaleNote, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => workload.ScaleAsync(4, Ct));
        Assert.Contains("orders-hpa", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Server.Requests.Count("patch", "/scale"));
    }

    [Fact]
    public async Task An_hpa_on_another_deployment_and_an_absent_keda_leave_replicas_tunable()
    {
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api", replicas: 2);
        await cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "billing-hpa" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                MaxReplicas = 10,
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "billing" },
            },
        }, cluster.Namespace, cancellationToken: Ct);
        var workload = new DeploymentWorkload(cluster.Client, cluster.Namespace, "orders-api", 9464, "/metrics");

        Assert.Null(await workload.ReplicaOwnerAsync(Ct));
        Assert.Equal(1, cluster.Server.Requests.Count("list", "/scaledobjects")); // asked, answered 404: KEDA is not installed
    }
}
