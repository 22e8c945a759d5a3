using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.KubeApi;
using Autotune.Operator.Kubernetes;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>A fresh in-process API server with the ApiTuning CRD installed, a KubernetesClient on it and a fresh namespace.</summary>
internal sealed class KubeCluster : IAsyncDisposable
{
    private KubeCluster(KubeApiServer server, k8s.Kubernetes client)
    {
        Server = server;
        Client = client;
    }

    public KubeApiServer Server { get; }

    public k8s.Kubernetes Client { get; }

    public string Namespace { get; } = "t-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<KubeCluster> StartAsync(KubeApiServerOptions? options = null, bool installCrd = true)
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await KubeApiServer.StartAsync(options, ct);
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        var cluster = new KubeCluster(server, client);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = cluster.Namespace } }, cancellationToken: ct);
        if (installCrd)
        {
            var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(RepoPath("crds", "apituning.yaml"));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: ct);
        }

        return cluster;
    }

    /// <summary>Creates an ApiTuning named <paramref name="name"/> with the spec given as JSON, as kubectl apply would send it.</summary>
    public async Task<ApiTuningResource> ApplyAsync(string name, string specJson)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = ApiTuningResource.GroupVersion,
            ["kind"] = ApiTuningResource.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = JsonNode.Parse(specJson),
        };
        var created = await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonDocument.Parse(body.ToJsonString()).RootElement, ApiTuningResource.Group, ApiTuningResource.Version, Namespace, ApiTuningResource.Plural, cancellationToken: TestContext.Current.CancellationToken);
        return KubernetesJson.Deserialize<ApiTuningResource>(KubernetesJson.Serialize(created));
    }

    /// <summary>Reads an ApiTuning as the server holds it.</summary>
    public async Task<ApiTuningResource> GetAsync(string name)
    {
        var found = await Client.CustomObjects.GetNamespacedCustomObjectAsync(ApiTuningResource.Group, ApiTuningResource.Version, Namespace, ApiTuningResource.Plural, name, TestContext.Current.CancellationToken);
        return KubernetesJson.Deserialize<ApiTuningResource>(KubernetesJson.Serialize(found));
    }

    /// <summary>A Deployment with the given replicas and one container.</summary>
    public static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "sample-api:dev" }] },
            },
        },
    };

    public static string RepoPath(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir?.FullName ?? throw new DirectoryNotFoundException("Autotune.sln not found above the test binaries"), .. parts]);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
