using k8s;
using k8s.Models;

using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>A fresh server, a KubernetesClient pointed at it and a fresh namespace: what every test starts from.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private TestCluster(KubeApiServer server, Kubernetes client)
    {
        Server = server;
        Client = client;
    }

    public KubeApiServer Server { get; }

    public Kubernetes Client { get; }

    public string Namespace { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<TestCluster> StartAsync(KubeApiServerOptions? options = null)
    {
        var server = await KubeApiServer.StartAsync(options, TestContext.Current.CancellationToken);
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = server.Url });
        var cluster = new TestCluster(server, client);
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = cluster.Namespace } }, cancellationToken: TestContext.Current.CancellationToken);
        return cluster;
    }

    /// <summary>Installs crds/apituning.yaml through the client, as kubectl apply would.</summary>
    public async Task InstallApiTuningCrdAsync()
    {
        var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(RepoFiles.Path("crds", "apituning.yaml"));
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
