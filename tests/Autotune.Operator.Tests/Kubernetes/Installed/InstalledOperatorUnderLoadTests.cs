using System.Globalization;
using Autotune.Engine.Decisions;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Cli;
using Autotune.KubeApi.Kubelet;
using Autotune.Operator.Tests.Kubernetes.Scenarios;
using Autotune.Operator.Tests.LocalMode;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Installed;

/// <summary>
/// What a user sees with the real clients while the installed operator works: `helm install` of charts/autotune,
/// the stand-in kubelet running the rendered operator Deployment (as its ServiceAccount, so with the chart's RBAC) and
/// real sample-API pods on a real PostgreSQL, under load; `kubectl get apituning -w` prints the knob as it changes,
/// and `kubectl describe` shows the decision's Event. One at a time with the other load tests.
/// </summary>
[Collection(LocalModeCollection.Name)]
public sealed class InstalledOperatorUnderLoadTests
{
    private const string SystemNamespace = InstalledOperator.SystemNamespace;

    /// <summary>A row of the watch with every column but MAXCONN filled.</summary>
    private static readonly System.Text.RegularExpressions.Regex Row = new(
        @"^orders\s+sample-api\s+Auto\s+(?<bottleneck>[A-Za-z]+)\s+(?<p99>[0-9.]+)\s+(?<replicas>[0-9]+)\s+(?<threads>[0-9]+)\s+(?<pool>[0-9]+)\s+(?<age>[0-9a-z]+)$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Kubectl_watch_shows_the_installed_operator_raise_minimum_threads_under_load_and_describe_shows_the_Event()
    {
        var chart = await InstalledOperator.RenderAsync();
        var (healthPort, rbac) = (chart.HealthPort, chart.Rbac);
        var server = chart.Authorise(new KubeApiServerOptions());

        // kubectl and helm send no bearer token over plain HTTP: they are the anonymous user here, allowed everything.
        server.Authorizer = new RbacAuthorizer(KubeUser.Anonymous, [new RbacGrant(new PolicyRule(["*"], ["*"], ["*"]), null, "kubectl and helm")]);
        await using var stack = await ScenarioStack.StartAsync(replicas: 1, blocking: true, server: server);
        await using var operatorKubelet = StandInKubelet.Start(stack.Cluster.Server, InstalledOperator.Kubelet(firstAddress: 240));
        using var config = stack.Cluster.AdminKubeConfig();

        await HelmOkAsync(config, $"install autotune charts/autotune --namespace {SystemNamespace} --create-namespace --set healthPort={healthPort}");
        Assert.Contains("successfully rolled out", await KubectlOkAsync(config, $"-n {SystemNamespace} rollout status deployment/autotune --timeout=120s", operatorKubelet), StringComparison.Ordinal);

        await stack.StartLoadAsync(concurrency: 48);
        using var watch = Kubectl.Start(config, ["get", "apituning", "-w"]);
        var apiTuning = $$"""{"apiVersion": "autotune.dev/v1alpha1", "kind": "ApiTuning", "metadata": {"name": "orders"}, "spec": {{stack.Spec("\"threadPoolMinThreads\": { \"min\": 2, \"max\": 256 }")}}}""";
        var applied = await Kubectl.RunAsync(config, ["apply", "-f", "-"], apiTuning, Ct);
        Assert.True(applied.ExitCode == 0, applied.ToString());

        // NAME TARGET MODE BOTTLENECK P99 REPLICAS MINTHREADS POOL MAXCONN AGE, a line per status write; MAXCONN stays
        // blank (max_connections is not a knob here). The knob's column moves from what the pod reported to what the
        // operator set.
        var header = await watch.WaitForLineAsync(l => l.StartsWith("NAME", StringComparison.Ordinal), TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["NAME", "TARGET", "MODE", "BOTTLENECK", "P99", "REPLICAS", "MINTHREADS", "POOL", "MAXCONN", "AGE"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var first = Row.Match(await watch.WaitForLineAsync(Row.IsMatch, TimeSpan.FromSeconds(120), Ct));
        var raised = Row.Match(await watch.WaitForLineAsync(l => Row.Match(l) is { Success: true } m && m.Groups["threads"].Value != first.Groups["threads"].Value, TimeSpan.FromSeconds(240), Ct));

        Assert.Equal("2", first.Groups["threads"].Value);
        Assert.True(int.Parse(raised.Groups["threads"].Value, CultureInfo.InvariantCulture) > 2, raised.Value);
        var described = await KubectlOkAsync(config, "describe apituning orders");
        Assert.Matches($@"(?m)^\s+Normal\s+{DecisionReasons.RaiseMinThreads}\s+", described);
        Assert.Empty(rbac.Denied);
        Assert.Empty(operatorKubelet.Errors);
    }

    private static Task<string> KubectlOkAsync(KubeConfigFile config, string command, StandInKubelet? kubelet = null) => InstalledOperator.KubectlOkAsync(config, command, kubelet);

    private static Task HelmOkAsync(KubeConfigFile config, string command) => InstalledOperator.HelmOkAsync(config, command);
}
