using k8s;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>helm install and uninstall of the operator's chart, as docs/install.md has them, with the real helm against the test server.</summary>
public sealed class HelmTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Helm_installs_upgrades_and_uninstalls_the_chart_keeping_the_CRD()
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

        // helm upgrade sends a strategic merge patch: the changed env var and the added one land, the rest stays.
        var upgrade = await clients.HelmAsync("upgrade", "autotune", "charts/autotune", "-n", "autotune-system", "--set", "logLevel=Debug", "--set", "extraEnv[0].name=EXTRA", "--set-string", "extraEnv[0].value=1");
        Assert.True(upgrade.ExitCode == 0, $"helm upgrade: {upgrade.Error}");
        var upgraded = await clients.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("autotune", "autotune-system", cancellationToken: Ct);
        var env = upgraded.Spec.Template.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("Debug", env["Logging__LogLevel__Default"]);
        Assert.Equal("1", env["EXTRA"]);
        Assert.Contains("POD_NAME", env.Keys);
        Assert.Equal(2, upgraded.Metadata.Generation);

        // And back to the chart's defaults (without --reset-values an upgrade given no values reuses the last ones):
        // the env var the dropped value made goes.
        var reverted = await clients.HelmAsync("upgrade", "autotune", "charts/autotune", "-n", "autotune-system", "--reset-values");
        Assert.True(reverted.ExitCode == 0, $"helm upgrade: {reverted.Error}");
        var back = await clients.Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("autotune", "autotune-system", cancellationToken: Ct);
        Assert.DoesNotContain(back.Spec.Template.Spec.Containers[0].Env, e => e.Name == "EXTRA");
        Assert.Equal("Information", back.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "Logging__LogLevel__Default").Value);

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
