using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>
/// docs/install.md (and the README's cluster block, the same commands) run as written, with the real helm and kubectl,
/// against the test server. Commands that need a running cluster's controllers or pods are not run here:
/// <list type="bullet">
/// <item><c>kubectl rollout status ...</c>: waits for a Deployment or StatefulSet controller to report the rollout; only
/// the stand-in kubelet writes that status, and it does not run the charts' images.</item>
/// <item><c>kubectl port-forward</c> and <c>curl</c>: no pods serve here (no portforward subresource).</item>
/// <item><c>kubectl get configmap demo-sample-stack-api-autotune</c>: the operator writes it, and it does not run here.</item>
/// </list>
/// </summary>
public sealed class InstallGuideTests
{
    [Fact]
    public async Task The_install_guide_commands_run_as_written()
    {
        await RealClients.RequireHelmAsync();
        await using var clients = await RealClients.StartAsync();

        // Install
        await HelmOkAsync(clients, "install autotune charts/autotune --namespace autotune-system --create-namespace");

        // From helm install to watching decisions
        await HelmOkAsync(clients, "install demo charts/sample-stack --namespace demo --create-namespace");
        Assert.Contains("apituning.autotune.dev/demo-sample-stack-api created", await KubectlOkAsync(clients, "apply -f charts/sample-stack/examples/apituning.yaml"));
        using (var watch = Cli.Kubectl.Start(clients.Config, Words("-n demo get apituning -w")))
        {
            var header = await watch.WaitForLineAsync(l => l.StartsWith("NAME", StringComparison.Ordinal), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(["NAME", "TARGET", "MODE", "BOTTLENECK", "P99", "REPLICAS", "MINTHREADS", "POOL", "MAXCONN", "AGE"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("demo-sample-stack-api", await watch.WaitForLineAsync(l => l.StartsWith("demo-", StringComparison.Ordinal), TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        Assert.Contains("Name:         demo-sample-stack-api", await KubectlOkAsync(clients, "-n demo describe apituning demo-sample-stack-api"));
        Assert.Contains("No resources found in demo namespace.", (await clients.KubectlAsync(Words("-n demo get events --field-selector involvedObject.kind=ApiTuning"))).Error);
        var apiKey = await KubectlOkAsync(clients, "-n demo get secret demo-sample-stack-postgres-credentials -o jsonpath={.data.api-key}");
        Assert.NotEmpty(Convert.FromBase64String(apiKey));

        // Upgrade
        await HelmOkAsync(clients, "upgrade autotune charts/autotune --namespace autotune-system --reuse-values");
        var crds = await KubectlOkAsync(clients, "apply -f charts/autotune/crds/");
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/apitunings.autotune.dev", crds);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/databasebudgets.autotune.dev", crds);

        // Uninstall: the CRD and the ApiTuning stay.
        await HelmOkAsync(clients, "uninstall demo --namespace demo");
        await HelmOkAsync(clients, "uninstall autotune --namespace autotune-system");
        Assert.Contains("demo-sample-stack-api", await KubectlOkAsync(clients, "-n demo get apituning"));
        Assert.Contains("apitunings.autotune.dev", await KubectlOkAsync(clients, "get crd"));

        // And the removals the guide names: the CRD (its ApiTunings go with it) and the database's volumes (none here:
        // no StatefulSet controller makes PersistentVolumeClaims).
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io \"apitunings.autotune.dev\" deleted", await KubectlOkAsync(clients, "delete crd apitunings.autotune.dev"));
        Assert.Contains("No resources found", (await clients.KubectlAsync(Words("-n demo delete pvc -l app.kubernetes.io/instance=demo"))) is { ExitCode: 0 } pvc ? pvc.Output + pvc.Error : "failed");
        var gone = await clients.KubectlAsync(Words("-n demo get apituning"));
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("NotFound", gone.Error, StringComparison.Ordinal);
        Assert.Null(clients.Cluster.Server.Catalog.Find("autotune.dev", "v1alpha1", "apitunings"));

        // The clients validated against OpenAPI v3. The one v2 request is kubectl apply patching the existing CRD: v3
        // lists no strategic merge patch for it, so kubectl looks for v2's and, finding none, sends a merge patch
        // (docs/kube-api-test-server.md); every command above succeeded all the same.
        var openApi = clients.Cluster.Server.Requests.Records.Where(r => r.Path.StartsWith("/openapi/", StringComparison.Ordinal)).ToList();
        Assert.Contains(openApi, r => r.Path.StartsWith("/openapi/v3/", StringComparison.Ordinal) && r.Status == 200);
        Assert.All(openApi.Where(r => r.Path.StartsWith("/openapi/v2", StringComparison.Ordinal)), r => Assert.Equal(404, r.Status));
    }

    private static string[] Words(string command) => command.Split(' ');

    private static Task<string> KubectlOkAsync(RealClients clients, string command) => clients.KubectlOkAsync(Words(command));

    private static async Task HelmOkAsync(RealClients clients, string command)
    {
        var result = await clients.HelmAsync(Words(command));
        Assert.True(result.ExitCode == 0, $"helm {command}: {result.Error}\n{result.Output}");
    }
}
