using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class DeploymentVerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Creates_gets_lists_patches_and_deletes_a_deployment()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        var created = await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.Equal(1, created.Metadata.Generation);
        Assert.NotNull(created.Metadata.CreationTimestamp);

        var fetched = await apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(created.Metadata.ResourceVersion, fetched.Metadata.ResourceVersion);
        Assert.Equal(2, fetched.Spec.Replicas);

        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("other"), cluster.Namespace, cancellationToken: Ct);
        var selected = await apps.ListNamespacedDeploymentAsync(cluster.Namespace, labelSelector: "app in (web,x)", cancellationToken: Ct);
        Assert.Equal("web", Assert.Single(selected.Items).Metadata.Name);
        var byName = await apps.ListDeploymentForAllNamespacesAsync(fieldSelector: "metadata.name=other", cancellationToken: Ct);
        Assert.Equal("other", Assert.Single(byName.Items).Metadata.Name);
        Assert.Equal(2, (await apps.ListNamespacedDeploymentAsync(cluster.Namespace, labelSelector: "app", cancellationToken: Ct)).Items.Count);
        Assert.Empty((await apps.ListNamespacedDeploymentAsync(cluster.Namespace, labelSelector: "app!=web,app!=other", cancellationToken: Ct)).Items);

        var patched = await apps.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"labels":{"tier":"front"}}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("front", patched.Metadata.Labels["tier"]);
        Assert.True(long.Parse(patched.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));

        await apps.DeleteNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(missing.Response.Content);
        Assert.Equal(("Status", "Failure", "NotFound", 404), (status.Kind, status.Status, status.Reason, status.Code));
        Assert.Equal("deployments.apps \"web\" not found", status.Message);
        Assert.Equal(("web", "apps", "deployments"), (status.Details.Name, status.Details.Group, status.Details.Kind));
    }

    [Fact]
    public async Task Create_of_an_existing_name_is_409_AlreadyExists()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        Assert.Equal("AlreadyExists", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Reason);
    }

    [Fact]
    public async Task Create_in_a_missing_namespace_is_404()
    {
        await using var cluster = await TestCluster.StartAsync();
        var e = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), "nowhere", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        Assert.Equal("namespaces \"nowhere\" not found", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Message);
    }

    [Fact]
    public async Task Generation_moves_on_spec_changes_only()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        var d = await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);

        d.Metadata.Annotations = new Dictionary<string, string> { ["note"] = "metadata only" };
        d = await apps.ReplaceNamespacedDeploymentAsync(d, "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(1, d.Metadata.Generation);

        d.Status = new V1DeploymentStatus { Replicas = 2, ObservedGeneration = 1 };
        d = await apps.ReplaceNamespacedDeploymentStatusAsync(d, "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(1, d.Metadata.Generation);
        Assert.Equal(2, d.Status.Replicas);

        d.Spec.Replicas = 5;
        d = await apps.ReplaceNamespacedDeploymentAsync(d, "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(2, d.Metadata.Generation);
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_409_Conflict()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        var stale = await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        var fresh = await apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        fresh.Spec.Replicas = 3;
        await apps.ReplaceNamespacedDeploymentAsync(fresh, "web", cluster.Namespace, cancellationToken: Ct);

        stale.Spec.Replicas = 4;
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => apps.ReplaceNamespacedDeploymentAsync(stale, "web", cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Contains("the object has been modified", status.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct)).Spec.Replicas);
    }

    [Fact]
    public async Task Json_patch_applies_operations_and_a_failed_test_changes_nothing()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        var patched = await apps.PatchNamespacedDeploymentAsync(new V1Patch("""
            [{"op":"test","path":"/spec/replicas","value":2},
             {"op":"replace","path":"/spec/replicas","value":4},
             {"op":"add","path":"/spec/template/spec/containers/0/env","value":[{"name":"A","value":"1"}]},
             {"op":"copy","from":"/spec/template/spec/containers/0/env/0","path":"/spec/template/spec/containers/0/env/-"},
             {"op":"move","from":"/metadata/labels/app","path":"/metadata/labels/name"}]
            """, V1Patch.PatchType.JsonPatch), "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(4, patched.Spec.Replicas);
        Assert.Equal(2, patched.Spec.Template.Spec.Containers[0].Env.Count);
        Assert.Equal("web", patched.Metadata.Labels["name"]);
        Assert.False(patched.Metadata.Labels.ContainsKey("app"));

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => apps.PatchNamespacedDeploymentAsync(new V1Patch("""
            [{"op":"replace","path":"/spec/replicas","value":9},{"op":"test","path":"/spec/replicas","value":2}]
            """, V1Patch.PatchType.JsonPatch), "web", cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.Equal(4, (await apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct)).Spec.Replicas);
    }

    [Fact]
    public async Task Status_subresource_changes_only_status_and_the_main_endpoint_ignores_status()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);

        var viaStatus = await apps.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("""{"spec":{"replicas":7},"status":{"readyReplicas":2}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(2, viaStatus.Status.ReadyReplicas);
        Assert.Equal(2, viaStatus.Spec.Replicas);

        var viaMain = await apps.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"spec":{"replicas":3},"status":{"readyReplicas":9}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(3, viaMain.Spec.Replicas);
        Assert.Equal(2, viaMain.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Scale_subresource_reads_and_writes_spec_replicas()
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web", replicas: 2), cluster.Namespace, cancellationToken: Ct);

        var scale = await apps.ReadNamespacedDeploymentScaleAsync("web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(("Scale", "autoscaling/v1", 2, "app=web"), (scale.Kind, scale.ApiVersion, scale.Spec.Replicas, scale.Status.Selector));

        scale.Spec.Replicas = 4;
        await apps.ReplaceNamespacedDeploymentScaleAsync(scale, "web", cluster.Namespace, cancellationToken: Ct);
        var patched = await apps.PatchNamespacedDeploymentScaleAsync(
            new V1Patch("""{"spec":{"replicas":6}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(6, patched.Spec.Replicas);

        var deployment = await apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal((6, 3L), (deployment.Spec.Replicas, deployment.Metadata.Generation!.Value));

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => apps.ReplaceNamespacedDeploymentScaleAsync(scale, "web", cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
    }
}
