using System.Net;
using System.Text.Json.Nodes;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Autotune.Charts.Tests;

public sealed class ApiTuningExampleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string ChartCrd => Path.Combine(Helm.RepoRoot, "charts", "autotune", "crds", "apituning.yaml");

    /// <summary>crds/examples, the sample stack's ready-to-apply file, and what the sample stack renders.</summary>
    public static TheoryData<string> Examples() => new(
        Directory.GetFiles(Path.Combine(Helm.RepoRoot, "crds", "examples"), "*.yaml").Order()
            .Where(p => !File.ReadLines(p).Any(l => l.Trim() == "kind: DatabaseBudget"))
            .Append(Path.Combine(Helm.RepoRoot, "charts", "sample-stack", "examples", "apituning.yaml"))
            .Select(p => Path.GetRelativePath(Helm.RepoRoot, p))
            .Append("rendered:sample-stack-with-apituning"));

    [Fact]
    public void The_chart_ships_the_crd_unchanged_in_its_crds_folder()
    {
        foreach (var crd in new[] { "apituning.yaml", "databasebudget.yaml" })
        {
            Assert.True(
                File.ReadAllText(Path.Combine(Helm.RepoRoot, "crds", crd)) == File.ReadAllText(Path.Combine(Helm.RepoRoot, "charts", "autotune", "crds", crd)),
                $"charts/autotune/crds/{crd} differs from crds/{crd}: copy it over");
        }
        Assert.DoesNotContain(
            Directory.GetFiles(Path.Combine(Helm.RepoRoot, "charts", "autotune", "templates")),
            f => File.ReadAllText(f).Contains("kind: CustomResourceDefinition", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Helm_installs_the_crd_only_from_the_crds_folder()
    {
        var withCrds = await Rendered.OfAsync("default");
        var without = await ChartHelm.TemplateAsync(ChartCase.Operator, "autotune", "autotune-system");

        Assert.Equal(["apitunings.autotune.dev", "databasebudgets.autotune.dev"], withCrds.OfKind("CustomResourceDefinition").Select(d => d.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("CustomResourceDefinition", without, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_is_admitted_by_the_crd_schema_and_rules_with_no_field_dropped(string example)
    {
        var document = example.StartsWith("rendered:", StringComparison.Ordinal)
            ? (await Rendered.OfAsync(example["rendered:".Length..])).Single("ApiTuning").Root
            : Yaml.Parse(await File.ReadAllTextAsync(Path.Combine(Helm.RepoRoot, example), Ct));
        var body = YamlJson.Convert(document)!.AsObject();
        var ns = (string?)body["metadata"]!["namespace"] ?? "default";
        await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Namespaces = [.. new[] { "default", ns }.Distinct()] }, Ct);
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(ChartCrd);
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);

        JsonObject stored;
        try
        {
            stored = JsonNode.Parse(KubernetesJson.Serialize(await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                body, "autotune.dev", "v1alpha1", ns, "apitunings", cancellationToken: Ct)))!.AsObject();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.UnprocessableEntity)
        {
            Assert.Fail($"{example} refused: {e.Response.Content}");
            throw;
        }

        var missing = new List<string>();
        Assert.True(YamlJson.Contains(stored["spec"], body["spec"], "spec", missing), $"{example}: pruned or changed: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task A_bad_apituning_is_refused_so_the_example_check_can_fail()
    {
        var body = YamlJson.Convert(Yaml.Parse(await File.ReadAllTextAsync(Path.Combine(Helm.RepoRoot, "crds", "examples", "minimal.yaml"), Ct)))!.AsObject();
        body["spec"]!["objectives"]!["p99LatencyMs"] = -5;
        await using var server = await KubeApiServer.StartAsync(cancellationToken: Ct);
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(ChartCrd), cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CustomObjects.CreateNamespacedCustomObjectAsync(
            body, "autotune.dev", "v1alpha1", "default", "apitunings", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.Contains("spec.objectives.p99LatencyMs", e.Response.Content, StringComparison.Ordinal);
    }
}
