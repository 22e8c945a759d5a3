using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.Engine.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Tests.Kubernetes.Controller;
using DotNet.Testcontainers.Builders;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Testcontainers.K3s;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// The API-level scenarios against a real Kubernetes API server (K3s in a container, through Testcontainers.K3s),
/// wherever a Docker engine is reachable; skipped with that reason elsewhere. The scenarios that run pods need the
/// sample API as an image and run on the in-process server only.
/// </summary>
public sealed class K3sScenarioTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task K3s_refuses_a_schema_invalid_ApiTuning_with_422_naming_the_field()
    {
        await using var k3s = await K3s.StartAsync();
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => k3s.ApplyAsync("orders", """
            { "targetRef": { "name": "orders-api" }, "mode": "Sometimes", "objectives": { "p99LatencyMs": 250 } }
            """));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("spec.mode", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task K3s_InvalidSpec_names_the_field_the_schema_cannot_check()
    {
        await using var k3s = await K3s.StartAsync();
        using var http = new HttpClient();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var controller = new ApiTuningController(k3s.Client, new ControllerOptions
        {
            Namespaces = [k3s.Namespace],
            Ports = new KubernetesPortOptions { Http = http },
        }, new OperatorMetrics(), new TestLogger("operator"));
        var running = controller.RunAsync(stop.Token);

        await k3s.ApplyAsync("orders", """
            { "targetRef": { "name": "orders-api" }, "objectives": { "p99LatencyMs": 250 },
              "metrics": { "source": "Prometheus", "prometheus": { "url": "http://[::1" } } }
            """);
        var status = await Eventually.UntilAsync(
            async () => KubernetesJson.Deserialize<ApiTuningResource>(KubernetesJson.Serialize(await k3s.Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiTuningResource.Group, ApiTuningResource.Version, k3s.Namespace, ApiTuningResource.Plural, "orders", Ct))).Status,
            s => s?.Conditions.Any(c => c.Type == ConditionTypes.InvalidSpec) == true,
            TimeSpan.FromSeconds(60),
            "InvalidSpec");
        await stop.CancelAsync();
        await running;

        Assert.Contains("spec.metrics.prometheus.url", status!.Conditions.Single(c => c.Type == ConditionTypes.InvalidSpec).Message, StringComparison.Ordinal);
    }

    private sealed class K3s : IAsyncDisposable
    {
        private const string Image = "rancher/k3s:v1.31.2-k3s1";

        private readonly K3sContainer _container;

        private K3s(K3sContainer container, k8s.Kubernetes client)
        {
            _container = container;
            Client = client;
        }

        public k8s.Kubernetes Client { get; }

        public string Namespace { get; } = "t-" + Guid.NewGuid().ToString("N")[..8];

        public static async Task<K3s> StartAsync()
        {
            K3sContainer container;
            try
            {
                container = new K3sBuilder(Image).Build();
                await container.StartAsync(Ct);
            }
            catch (DockerUnavailableException ex)
            {
                Assert.Skip($"No Docker engine is reachable here ({ex.GetType().Name}: {ex.Message}); the K3s scenarios need one");
                throw;
            }

            var kubeconfig = await container.GetKubeconfigAsync();
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
            var client = new k8s.Kubernetes(await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream));
            var k3s = new K3s(container, client);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = k3s.Namespace } }, cancellationToken: Ct);
            var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(KubeTestCluster.RepoPath("crds", "apituning.yaml"));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);
            await Eventually.UntilAsync(
                async () => (await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(crd.Metadata.Name, cancellationToken: Ct)).Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true,
                done => done, TimeSpan.FromSeconds(60), "the CRD established");
            return k3s;
        }

        public async Task ApplyAsync(string name, string specJson)
        {
            var body = new JsonObject
            {
                ["apiVersion"] = ApiTuningResource.GroupVersion,
                ["kind"] = ApiTuningResource.KindName,
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
                ["spec"] = JsonNode.Parse(specJson),
            };
            await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonDocument.Parse(body.ToJsonString()).RootElement, ApiTuningResource.Group, ApiTuningResource.Version, Namespace, ApiTuningResource.Plural, cancellationToken: Ct);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _container.DisposeAsync();
        }
    }
}
