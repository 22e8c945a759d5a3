using System.Text.Json.Nodes;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class DiscoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Discovery_lists_the_served_groups_resources_and_subresources()
    {
        await using var cluster = await TestCluster.StartAsync();
        var api = JsonNode.Parse(await cluster.Client.GetAsync($"{cluster.Server.Url}/api", Ct))!;
        Assert.Equal("v1", (string?)api["versions"]![0]);

        var groups = JsonNode.Parse(await cluster.Client.GetAsync($"{cluster.Server.Url}/apis", Ct))!["groups"]!.AsArray().Select(g => (string?)g!["name"]).ToList();
        Assert.Equal(["apiextensions.k8s.io", "apps", "autoscaling", "coordination.k8s.io", "events.k8s.io", "policy", "rbac.authorization.k8s.io"], groups.Order(StringComparer.Ordinal));

        var apps = JsonNode.Parse(await cluster.Client.GetAsync($"{cluster.Server.Url}/apis/apps/v1", Ct))!["resources"]!.AsArray()
            .Select(r => ((string?)r!["name"], (string?)r["kind"])).ToList();
        Assert.Contains(("deployments/scale", "Scale"), apps);
        Assert.Contains(("statefulsets/status", "StatefulSet"), apps);

        var core = JsonNode.Parse(await cluster.Client.GetAsync($"{cluster.Server.Url}/api/v1", Ct))!["resources"]!.AsArray();
        Assert.Contains(core, r => (string?)r!["name"] == "pods" && (bool)r["namespaced"]! && (string?)r["kind"] == "Pod");
        Assert.Contains(core, r => (string?)r!["name"] == "namespaces" && !(bool)r["namespaced"]!);
    }
}
