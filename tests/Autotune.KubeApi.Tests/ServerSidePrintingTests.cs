using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>OpenAPI, Table and fieldValidation answers over plain HTTP, as the real clients ask for them.</summary>
public sealed class ServerSidePrintingTests
{
    private const string TableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenApi_v3_lists_a_document_per_group_version_whose_patch_operations_take_fieldValidation()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        using var http = new HttpClient { BaseAddress = new Uri(cluster.Server.Url) };

        var index = JsonNode.Parse(await http.GetStringAsync(new Uri("/openapi/v3", UriKind.Relative), Ct))!["paths"]!.AsObject();
        Assert.Contains("apis/autotune.dev/v1alpha1", index.Select(p => p.Key));
        Assert.Contains("api/v1", index.Select(p => p.Key));
        var url = (string)index["apis/autotune.dev/v1alpha1"]!["serverRelativeURL"]!;
        Assert.Matches("^/openapi/v3/apis/autotune.dev/v1alpha1\\?hash=[0-9A-F]{128}$", url);

        var document = JsonNode.Parse(await http.GetStringAsync(new Uri(url, UriKind.Relative), Ct))!;
        var patch = document["paths"]!["/apis/autotune.dev/v1alpha1/namespaces/{namespace}/apitunings/{name}"]!["patch"]!;
        Assert.Equal("ApiTuning", (string?)patch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        var schema = document["components"]!["schemas"]!["dev.autotune.v1alpha1.ApiTuning"]!;
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)schema["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        Assert.NotNull(schema["properties"]!["spec"]!["properties"]!["knobs"]);
        Assert.NotNull(document["components"]!["schemas"]!["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]!["properties"]!["labels"]);

        // A CRD changed changes its document's hash, so clients that cache by hash read the new schema.
        var crd = await cluster.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("apitunings.autotune.dev", cancellationToken: Ct);
        crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Description = "changed";
        await cluster.Client.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(crd, crd.Metadata.Name, cancellationToken: Ct);
        var after = JsonNode.Parse(await http.GetStringAsync(new Uri("/openapi/v3", UriKind.Relative), Ct))!["paths"]!;
        Assert.NotEqual(url, (string?)after["apis/autotune.dev/v1alpha1"]!["serverRelativeURL"]);
    }

    [Fact]
    public async Task A_Table_request_gets_the_printer_columns_evaluated_on_each_object()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.InstallApiTuningCrdAsync();
        await cluster.Client.CustomObjects.CreateNamespacedCustomObjectAsync(Objects.ApiTuning("orders"), "autotune.dev", "v1alpha1", cluster.Namespace, "apitunings", cancellationToken: Ct);
        await cluster.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new k8s.Models.V1Patch("""{"status":{"bottleneck":"ThreadStarvation","observed":{"p99Ms":412.5},"current":{"replicas":2}}}""", k8s.Models.V1Patch.PatchType.MergePatch),
            "autotune.dev", "v1alpha1", cluster.Namespace, "apitunings", "orders", cancellationToken: Ct);
        using var http = new HttpClient { BaseAddress = new Uri(cluster.Server.Url) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/apis/autotune.dev/v1alpha1/namespaces/{cluster.Namespace}/apitunings");
        request.Headers.TryAddWithoutValidation("Accept", TableAccept);

        using var response = await http.SendAsync(request, Ct);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal("Table", (string?)table["kind"]);
        Assert.Equal(
            ["Name", "Target", "Mode", "Bottleneck", "P99", "Replicas", "MinThreads", "Pool", "MaxConn", "Age"],
            table["columnDefinitions"]!.AsArray().Select(c => (string?)c!["name"]));
        var row = table["rows"]![0]!;
        var cells = row["cells"]!.AsArray();
        Assert.Equal("""["orders","orders-api","Auto","ThreadStarvation",412.5,2,null,null,null]""", new JsonArray([.. cells.Take(9).Select(c => c?.DeepClone())]).ToJsonString());
        Assert.Matches("^\\d+s$", (string?)cells[9]);
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);
        Assert.Equal("orders", (string?)row["object"]!["metadata"]!["name"]);
    }

    [Theory]
    [InlineData("Strict", HttpStatusCode.BadRequest, null)]
    [InlineData("Warn", HttpStatusCode.Created, "299 - \"unknown field \\\"spec.colour\\\"\"")]
    [InlineData("Ignore", HttpStatusCode.Created, null)]
    public async Task fieldValidation_decides_what_an_unknown_field_does(string directive, HttpStatusCode expected, string? warning)
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(cluster.Server.Url) };
        using var body = new StringContent("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"colour":"blue","replicas":1}}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

        using var response = await http.PostAsync(new Uri($"/apis/apps/v1/namespaces/{cluster.Namespace}/deployments?fieldValidation={directive}", UriKind.Relative), body, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(warning, response.Headers.TryGetValues("Warning", out var values) ? string.Join('|', values) : null);
        if (expected == HttpStatusCode.BadRequest)
        {
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.colour\"", (string?)status["message"]);
            Assert.Equal("BadRequest", (string?)status["reason"]);
        }
    }
}
