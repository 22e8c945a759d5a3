using System.Net;
using System.Threading.Channels;
using Autotune.KubeApi.Store;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class FaultAndObservationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(409, "Conflict")]
    [InlineData(429, "TooManyRequests")]
    public async Task Injected_failures_reach_the_client_with_their_status_code_then_stop(int code, string reason)
    {
        await using var cluster = await TestCluster.StartAsync();
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        var rule = cluster.Server.Faults.FailNext(2, "PATCH", "/apis/apps/v1/namespaces/*/deployments/**", code);
        var patch = new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch);

        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<HttpOperationException>(() => apps.PatchNamespacedDeploymentAsync(patch, "web", cluster.Namespace, cancellationToken: Ct));
            Assert.Equal((HttpStatusCode)code, e.Response.StatusCode);
            Assert.Equal(reason, KubernetesJson.Deserialize<V1Status>(e.Response.Content).Reason);
        }

        Assert.Equal(2, (await apps.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct)).Spec.Replicas);
        Assert.Equal(0, rule.Remaining);
        Assert.Equal(3, (await apps.PatchNamespacedDeploymentAsync(patch, "web", cluster.Namespace, cancellationToken: Ct)).Spec.Replicas);
    }

    [Fact]
    public async Task Faults_match_only_their_method_and_path()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Server.Faults.FailNext(1, "PUT", "/api/v1/namespaces/*/configmaps/*/status", 500);
        cluster.Server.Faults.FailNext(1, "POST", "/api/v1/namespaces/*/secrets", 503);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, cluster.Namespace, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Response.StatusCode);
    }

    [Fact]
    public async Task A_delay_holds_the_answer_back_and_is_visible_in_the_request_log()
    {
        await using var cluster = await TestCluster.StartAsync();
        var delay = TimeSpan.FromMilliseconds(300);
        cluster.Server.Faults.DelayNext(1, "GET", "/api/v1/namespaces/*/configmaps", delay);
        await cluster.Client.CoreV1.ListNamespacedConfigMapAsync(cluster.Namespace, cancellationToken: Ct);
        var record = cluster.Server.Requests.Records.Single(r => r.Verb == "list");
        // The timer behind the injected delay may fire a little before the stopwatch that times the request reads
        // 300 ms; a request that was not held back at all answers in a few milliseconds.
        var tolerance = TimeSpan.FromMilliseconds(25);
        Assert.True(record.Duration >= delay - tolerance, $"the list took {record.Duration}, less than the injected {delay}");
    }

    [Fact]
    public async Task Request_log_counts_verbs_by_path()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.Server.Requests.Clear();
        var core = cluster.Client.CoreV1;
        await core.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, cluster.Namespace, cancellationToken: Ct);
        await core.ListNamespacedConfigMapAsync(cluster.Namespace, cancellationToken: Ct);
        await core.ListNamespacedConfigMapAsync(cluster.Namespace, cancellationToken: Ct);
        await core.ReadNamespacedConfigMapAsync("a", cluster.Namespace, cancellationToken: Ct);
        await Assert.ThrowsAsync<HttpOperationException>(() => core.ReadNamespacedConfigMapAsync("b", cluster.Namespace, cancellationToken: Ct));

        var log = cluster.Server.Requests;
        Assert.Equal((1, 2, 2, 0), (log.Count("create", "/configmaps"), log.Count("list", "/configmaps"), log.Count("get"), log.Count("list", "/secrets")));
        var missing = log.Records.Last();
        Assert.Equal(("GET", $"/api/v1/namespaces/{cluster.Namespace}/configmaps/b", 404), (missing.Method, missing.Path, missing.Status));
    }

    [Fact]
    public async Task Store_changes_reach_a_subscribed_hook_in_order()
    {
        await using var cluster = await TestCluster.StartAsync();
        var changes = Channel.CreateUnbounded<StoreChange>();
        cluster.Server.Store.ObjectChanged += c => changes.Writer.TryWrite(c);
        var apps = cluster.Client.AppsV1;
        await apps.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        await apps.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace, cancellationToken: Ct);
        await apps.DeleteNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);

        var seen = new List<(string, string, int?)>();
        for (var i = 0; i < 3; i++)
        {
            var change = await changes.Reader.ReadAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
            seen.Add((change.Type, change.Resource.Kind, (int?)change.Object["spec"]?["replicas"]));
        }

        Assert.Equal([("ADDED", "Deployment", 2), ("MODIFIED", "Deployment", 4), ("DELETED", "Deployment", 4)], seen);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_what_is_in_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.CoreV1.DeleteNamespaceAsync(cluster.Namespace, cancellationToken: Ct);
        Assert.Empty((await cluster.Client.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task An_object_with_finalizers_waits_for_them_before_it_goes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var core = cluster.Client.CoreV1;
        await core.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a", Finalizers = ["autotune.dev/cleanup"] } }, cluster.Namespace, cancellationToken: Ct);
        await core.DeleteNamespacedConfigMapAsync("a", cluster.Namespace, cancellationToken: Ct);
        var marked = await core.ReadNamespacedConfigMapAsync("a", cluster.Namespace, cancellationToken: Ct);
        Assert.NotNull(marked.Metadata.DeletionTimestamp);

        await core.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "a", cluster.Namespace, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => core.ReadNamespacedConfigMapAsync("a", cluster.Namespace, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
    }
}
