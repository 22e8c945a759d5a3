using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class ApiTuningTests
{
    private const string Group = "autotune.dev";
    private const string Version = "v1alpha1";
    private const string Plural = "apitunings";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ApiTuning_is_unknown_until_its_crd_is_installed()
    {
        await using var cluster = await TestCluster.StartAsync();
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);

        await cluster.InstallApiTuningCrdAsync();
        var crd = await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("apitunings.autotune.dev", cancellationToken: Ct);
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        var list = Node(await cluster.Client.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        Assert.Equal("ApiTuningList", (string?)list["kind"]);

        var resources = await cluster.Client.GetAsync($"{cluster.Server.Url}/apis/{Group}/{Version}", Ct);
        Assert.Contains("\"apitunings/status\"", resources, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creates_defaults_gets_lists_patches_and_deletes_an_apituning()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        var objects = cluster.Client.CustomObjects;
        var body = Objects.ApiTuning("orders");
        ((Dictionary<string, object>)body["spec"])["unknownField"] = "pruned";
        var created = Node(await objects.CreateNamespacedCustomObjectAsync(body, Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        Assert.Equal(("Auto", "Deployment"), ((string?)created["spec"]!["mode"], (string?)created["spec"]!["targetRef"]!["kind"]));
        Assert.Null(created["spec"]!["unknownField"]);
        Assert.Equal(1, (long)created["metadata"]!["generation"]!);

        var fetched = Node(await objects.GetNamespacedCustomObjectAsync(Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct));
        Assert.Equal((string?)created["metadata"]!["uid"], (string?)fetched["metadata"]!["uid"]);
        var list = Node(await objects.ListClusterCustomObjectAsync(Group, Version, Plural, cancellationToken: Ct));
        Assert.Single(list["items"]!.AsArray());

        var patched = Node(await objects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"mode":"Recommend"}}""", V1Patch.PatchType.MergePatch), Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct));
        Assert.Equal(("Recommend", 2L), ((string?)patched["spec"]!["mode"], (long)patched["metadata"]!["generation"]!));

        await objects.DeleteNamespacedCustomObjectAsync(Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => objects.GetNamespacedCustomObjectAsync(Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct));
        Assert.Equal("apitunings.autotune.dev \"orders\" not found", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Message);
    }

    [Fact]
    public async Task Status_of_an_apituning_changes_only_through_its_subresource_and_keeps_generation()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        var objects = cluster.Client.CustomObjects;
        var withStatus = Objects.ApiTuning("orders");
        withStatus["status"] = new Dictionary<string, object> { ["bottleneck"] = "ignored on create" };
        var created = Node(await objects.CreateNamespacedCustomObjectAsync(withStatus, Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        Assert.Null(created["status"]);

        var status = Node(await objects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"observedGeneration":1},"spec":{"mode":"Paused"}}""", V1Patch.PatchType.MergePatch),
            Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct));
        Assert.Equal((1L, "Auto", 1L), ((long)status["status"]!["observedGeneration"]!, (string?)status["spec"]!["mode"], (long)status["metadata"]!["generation"]!));

        var main = Node(await objects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"replace","path":"/status/observedGeneration","value":9}]""", V1Patch.PatchType.JsonPatch),
            Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct));
        Assert.Equal(1L, (long)main["status"]!["observedGeneration"]!);
    }

    [Fact]
    public async Task An_unsupported_enum_value_is_422_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            Objects.ApiTuning("orders", mode: "Sometimes"), Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal(("Invalid", 422, "ApiTuning"), (status.Reason, status.Code, status.Details.Kind));
        var cause = Assert.Single(status.Details.Causes);
        Assert.Equal(("FieldValueNotSupported", "spec.mode"), (cause.Reason, cause.Field));
        Assert.Equal("Unsupported value: \"Sometimes\": supported values: \"Auto\", \"Recommend\", \"Paused\"", cause.Message);
        Assert.StartsWith("ApiTuning.autotune.dev \"orders\" is invalid: spec.mode: Unsupported value", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_field_is_422_naming_the_field_on_create_and_on_patch()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        var body = Objects.ApiTuning("orders");
        ((Dictionary<string, object>)body["spec"]).Remove("objectives");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            body, Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        var cause = Assert.Single(KubernetesJson.Deserialize<V1Status>(e.Response.Content).Details.Causes);
        Assert.Equal(("FieldValueRequired", "spec.objectives", "Required value"), (cause.Reason, cause.Field, cause.Message));

        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Objects.ApiTuning("orders"), Group, Version, cluster.Namespace, Plural, cancellationToken: Ct);
        var patch = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"remove","path":"/spec/targetRef/name"}]""", V1Patch.PatchType.JsonPatch), Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patch.Response.StatusCode);
        Assert.Equal("spec.targetRef.name", Assert.Single(KubernetesJson.Deserialize<V1Status>(patch.Response.Content).Details.Causes).Field);
    }

    [Fact]
    public async Task A_value_below_its_minimum_is_422_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        var body = Objects.ApiTuning("orders");
        ((Dictionary<string, object>)body["spec"])["objectives"] = new Dictionary<string, object> { ["p99LatencyMs"] = 0 };
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            body, Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        var cause = Assert.Single(KubernetesJson.Deserialize<V1Status>(e.Response.Content).Details.Causes);
        Assert.Equal(("FieldValueInvalid", "spec.objectives.p99LatencyMs"), (cause.Reason, cause.Field));
        Assert.Equal("Invalid value: 0: spec.objectives.p99LatencyMs in body should be greater than 0", cause.Message);
    }

    [Fact]
    public async Task A_broken_cel_rule_is_422_naming_the_node_with_the_rules_message()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        var body = Objects.ApiTuning("orders");
        ((Dictionary<string, object>)body["spec"])["objectives"] = new Dictionary<string, object> { ["p99LatencyMs"] = 250, ["maxPoolWaitMs"] = 300 };
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            body, Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        var cause = Assert.Single(KubernetesJson.Deserialize<V1Status>(e.Response.Content).Details.Causes);
        Assert.Equal(("FieldValueInvalid", "spec.objectives"), (cause.Reason, cause.Field));
        Assert.Contains("maxPoolWaitMs must be below spec.objectives.p99LatencyMs", cause.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watching_apitunings_sees_spec_and_status_changes_with_their_generation()
    {
        await using var cluster = await TestCluster.StartAsync(new KubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        await cluster.InstallApiTuningCrdAsync();
        var objects = cluster.Client.CustomObjects;
        var listed = Node(await objects.ListNamespacedCustomObjectAsync(Group, Version, cluster.Namespace, Plural, cancellationToken: Ct));
        await objects.CreateNamespacedCustomObjectAsync(Objects.ApiTuning("orders"), Group, Version, cluster.Namespace, Plural, cancellationToken: Ct);
        await objects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"observedGeneration":1}}""", V1Patch.PatchType.MergePatch), Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct);
        await objects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"mode":"Paused"}}""", V1Patch.PatchType.MergePatch), Group, Version, cluster.Namespace, Plural, "orders", cancellationToken: Ct);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(10));
        var seen = new List<(WatchEventType, long?)>();
        await foreach (var (type, item) in objects.WatchListNamespacedCustomObjectAsync(
            Group, Version, cluster.Namespace, Plural, allowWatchBookmarks: true, resourceVersion: (string?)listed["metadata"]!["resourceVersion"], cancellationToken: stop.Token))
        {
            seen.Add((type, (long?)Node(item)["metadata"]?["generation"]));
            if (type == WatchEventType.Bookmark)
            {
                break;
            }
        }

        Assert.Equal([(WatchEventType.Added, 1L), (WatchEventType.Modified, 1L), (WatchEventType.Modified, 2L), (WatchEventType.Bookmark, null)], seen);
    }

    private static JsonObject Node(object result) => JsonSerializer.SerializeToNode(result)!.AsObject();
}
