using k8s;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>helm install and uninstall of the operator's chart, as docs/install.md has them, with the real helm against the test server.</summary>
public sealed class HelmTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Helm_installs_the_chart_into_a_new_namespace_and_uninstall_keeps_the_CRD()
    {
        await RealClients.RequireHelmAsync();
        await using var clients = await RealClients.StartAsync();

        var install = await clients.HelmAsync("install", "autotune", "charts/autotune", "-n", "autotune-system", "--create-namespace");
        Assert.True(install.ExitCode == 0, $"helm install: {install.Error}\n{install.Output}");
        Assert.Contains("STATUS: deployed", install.Output, StringComparison.Ordinal);

        var server = clients.Cluster.Server;
        var deployment = await clients.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("autotune", "autotune-system", cancellationToken: Ct);
        Assert.Equal("autotune", deployment.Spec.Template.Spec.ServiceAccountName);
        Assert.NotNull(await clients.Cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync("autotune", "autotune-system", cancellationToken: Ct));
        Assert.NotNull(await clients.Cluster.Client.RbacAuthorizationV1.ReadClusterRoleAsync("autotune", cancellationToken: Ct));
        Assert.NotNull(server.Catalog.Find("autotune.dev", "v1alpha1", "apitunings"));
        Assert.Contains("autotune", await clients.KubectlOkAsync("get", "deployments", "-n", "autotune-system"), StringComparison.Ordinal);

        var list = await clients.HelmAsync("list", "-n", "autotune-system");
        Assert.Matches(@"(?m)^autotune\s+autotune-system\s+1\s+.*deployed\s+autotune-0\.1\.0", list.Output);

        await clients.KubectlOkAsync("apply", "-f", "crds/examples/minimal.yaml");
        var uninstall = await clients.HelmAsync("uninstall", "autotune", "-n", "autotune-system");
        Assert.True(uninstall.ExitCode == 0, $"helm uninstall: {uninstall.Error}");
        Assert.Empty(server.Store.List(server.Catalog.Find("apps", "v1", "deployments")!, "autotune-system").Items);
        Assert.Empty(server.Store.List(server.Catalog.Find(string.Empty, "v1", "secrets")!, "autotune-system").Items);

        // The CRD ships in the chart's crds/ folder, which helm never deletes: the ApiTunings stay too.
        Assert.NotNull(server.Catalog.Find("autotune.dev", "v1alpha1", "apitunings"));
        Assert.Contains("orders", await clients.KubectlOkAsync("get", "apituning"), StringComparison.Ordinal);
    }
}
