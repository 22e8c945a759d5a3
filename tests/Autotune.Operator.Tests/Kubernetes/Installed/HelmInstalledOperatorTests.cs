using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Cli;
using Autotune.KubeApi.Kubelet;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Installed;

/// <summary>
/// The operator as a user installs it: `helm install` of charts/autotune with the real helm, the stand-in kubelet
/// running the rendered Deployment (the operator binary with the Deployment's args and env, as its ServiceAccount,
/// whose only rights are the chart's RBAC), driven and watched with the real kubectl.
/// </summary>
public sealed class HelmInstalledOperatorTests
{
    private const string SystemNamespace = InstalledOperator.SystemNamespace;

    private const string ApiTuning = """
        apiVersion: autotune.dev/v1alpha1
        kind: ApiTuning
        metadata: {name: orders}
        spec:
          targetRef: {name: orders-api}
          objectives: {p99LatencyMs: 250}
          metrics: {window: 10s, scrapesPerWindow: 4}
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_installed_operator_reconciles_with_the_charts_RBAC_follows_helm_upgrade_and_uninstall_keeps_the_ApiTunings()
    {
        var chart = await InstalledOperator.RenderAsync();
        var (healthPort, rbac) = (chart.HealthPort, chart.Rbac);
        var options = chart.Authorise(new KubeApiServerOptions());
        options.Tokens["admin-token"] = KubeUser.Admin();
        await using var server = await KubeApiServer.StartAsync(options, Ct);
        using var config = KubeConfigFile.For(server.Url, "admin-token", "shop");
        await using var kubelet = StandInKubelet.Start(server, InstalledOperator.Kubelet(firstAddress: 20 + Random.Shared.Next(200)));

        await HelmOkAsync(config, $"install autotune charts/autotune --namespace {SystemNamespace} --create-namespace --set healthPort={healthPort}");
        Assert.Contains("successfully rolled out", await KubectlOkAsync(config, $"-n {SystemNamespace} rollout status deployment/autotune --timeout={Patience.TotalSeconds}s", kubelet), StringComparison.Ordinal);
        var firstPod = (await KubectlOkAsync(config, $"-n {SystemNamespace} get pods -o jsonpath={{.items[0].metadata.name}}")).Trim();

        // An ApiTuning (a 10 s window: the operator reports after one) for a Deployment without pods, which opts in to it: the operator
        // reads it, finds no metrics and holds, and says so in status.
        await KubectlOkAsync(config, "create namespace shop");
        var target = await KubectlOkAsync(config, "create deployment orders-api --image=orders:1 --replicas=2 -n shop --dry-run=client -o yaml");
        var created = await Kubectl.RunAsync(config, ["apply", "-f", "-"], target, Ct);
        Assert.True(created.ExitCode == 0, created.ToString());
        await KubectlOkAsync(config, "-n shop annotate deployment orders-api autotune.dev/allow-tuning=orders"); // its opt-in (docs/security.md)
        var applied = await Kubectl.RunAsync(config, ["apply", "-n", "shop", "-f", "-"], ApiTuning, Ct);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        await KubectlOkAsync(config, $"-n shop wait --for=jsonpath={{.status.observedGeneration}}=1 apituning/orders --timeout={Patience.TotalSeconds}s", kubelet);
        var described = await KubectlOkAsync(config, "-n shop describe apituning orders");
        Assert.Matches(@"(?m)^    Message:\s+no ready pod to scrape\n    Observed Generation:\s+1\n    Reason:\s+NoData\n    Status:\s+False\n    Type:\s+MetricsAvailable$", described);
        Assert.Matches(@"(?m)^orders\s+orders-api\s+Auto\s+Unknown\s+2\s+\d+s$", await KubectlOkAsync(config, "-n shop get apituning"));

        var operatorUser = rbac.User;
        Assert.Contains(server.Requests.By(operatorUser), r => r.Path.Contains("/apitunings", StringComparison.Ordinal));
        Assert.Empty(rbac.Denied);

        // helm upgrade changes the pod template: the kubelet rolls the operator, and the new one reconciles a change.
        await HelmOkAsync(config, $"upgrade autotune charts/autotune --namespace {SystemNamespace} --reuse-values --set logLevel=Debug");
        Assert.Contains("successfully rolled out", await KubectlOkAsync(config, $"-n {SystemNamespace} rollout status deployment/autotune --timeout={Patience.TotalSeconds}s", kubelet), StringComparison.Ordinal);
        var secondPod = (await KubectlOkAsync(config, $"-n {SystemNamespace} get pods -o jsonpath={{.items[0].metadata.name}}")).Trim();
        Assert.NotEqual(firstPod, secondPod);
        await KubectlOkAsync(config, "-n shop patch apituning orders --type=merge -p {\"spec\":{\"mode\":\"Recommend\"}}");
        await KubectlOkAsync(config, $"-n shop wait --for=jsonpath={{.status.observedGeneration}}=2 apituning/orders --timeout={Patience.TotalSeconds}s", kubelet);
        Assert.Matches(@"(?m)^orders\s+orders-api\s+Recommend\s+", await KubectlOkAsync(config, "-n shop get apituning"));
        Assert.Empty(rbac.Denied);

        // helm uninstall stops the operator and keeps the CRD and the ApiTuning.
        await HelmOkAsync(config, $"uninstall autotune --namespace {SystemNamespace}");
        Assert.Empty(server.Store.List(server.Catalog.Find("apps", "v1", "deployments")!, SystemNamespace).Items);
        await KubectlOkAsync(config, $"-n {SystemNamespace} wait --for=delete pod/{secondPod} --timeout={Patience.TotalSeconds}s", kubelet);
        Assert.Contains("orders", await KubectlOkAsync(config, "-n shop get apituning"), StringComparison.Ordinal);
        Assert.Empty(kubelet.Errors);
    }

    private static Task<string> KubectlOkAsync(KubeConfigFile config, string command, StandInKubelet? kubelet = null) => InstalledOperator.KubectlOkAsync(config, command, kubelet);

    private static Task HelmOkAsync(KubeConfigFile config, string command) => InstalledOperator.HelmOkAsync(config, command);
}
