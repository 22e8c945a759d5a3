using k8s.Models;
using Xunit;

namespace Autotune.Charts.Tests;

public sealed class OperatorDeploymentTests
{
    private static async Task<V1Deployment> DeploymentOf(string name) =>
        StrictManifests.Parse<V1Deployment>((await Rendered.OfAsync(name)).Single("Deployment"));

    private static V1Container Operator(V1Deployment d) => Assert.Single(d.Spec.Template.Spec.Containers);

    [Fact]
    public async Task The_memory_request_covers_the_peak_rss_measured_at_1000_apitunings_and_the_limit_is_above_it()
    {
        // bench/results/operator.md, as shipped: peak RSS 141.2-143.4 MiB over three runs at 1,000 ApiTunings.
        const double MeasuredPeakMiB = 143.4;
        var resources = Operator(await DeploymentOf("default")).Resources;

        var request = resources.Requests["memory"].ToDecimal() / 1024 / 1024;
        var limit = resources.Limits["memory"].ToDecimal() / 1024 / 1024;

        Assert.True((double)request >= MeasuredPeakMiB, $"memory request {request} MiB is under the measured peak {MeasuredPeakMiB} MiB");
        Assert.True(limit > request, $"memory limit {limit} MiB is not above the request {request} MiB");
    }

    [Fact]
    public async Task One_replica_runs_without_leader_election_and_is_replaced_not_rolled()
    {
        var deployment = await DeploymentOf("default");

        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal(["operator", "--health-port=8081", "--status-write-timeout-seconds=10"], Operator(deployment).Args);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.Empty((await Rendered.OfAsync("default")).OfKind("PodDisruptionBudget"));
    }

    [Fact]
    public async Task More_than_one_replica_turns_leader_election_on_with_a_lease_and_a_disruption_budget()
    {
        var rendered = await Rendered.OfAsync("two-replicas");
        var deployment = await DeploymentOf("two-replicas");

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal(
            ["operator", "--leader-elect", "--lease-name=autotune", "--lease-namespace=autotune-system", "--health-port=8081", "--status-write-timeout-seconds=10"],
            Operator(deployment).Args);
        Assert.Null(deployment.Spec.Strategy);
        var pdb = StrictManifests.Parse<V1PodDisruptionBudget>(rendered.Single("PodDisruptionBudget"));
        Assert.Equal("1", pdb.Spec.MinAvailable.Value);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, pdb.Spec.Selector.MatchLabels);
    }

    [Fact]
    public async Task Leader_election_can_be_forced_off_whatever_the_replicas()
    {
        var manifests = await ChartHelm.TemplateAsync(ChartCase.Operator, "autotune", "autotune-system", ["replicas=2", "leaderElection.enabled=false"]);

        Assert.DoesNotContain("--leader-elect", manifests, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watched_namespaces_are_passed_one_flag_each()
    {
        var deployment = await DeploymentOf("everything");

        Assert.Equal(
            ["operator", "--watch-namespace=shop", "--leader-elect", "--lease-name=ops-autotune", "--lease-namespace=ops", "--health-port=8081", "--status-write-timeout-seconds=10"],
            Operator(deployment).Args);
    }

    [Fact]
    public async Task The_pod_name_is_the_identity_and_health_and_metrics_share_one_port()
    {
        var rendered = await Rendered.OfAsync("default");
        var deployment = await DeploymentOf("default");
        var container = Operator(deployment);

        var podName = Assert.Single(container.Env, e => e.Name == "POD_NAME");
        Assert.Equal("metadata.name", podName.ValueFrom.FieldRef.FieldPath);
        var port = Assert.Single(container.Ports);
        Assert.Equal((8081, "http-metrics"), (port.ContainerPort, port.Name));
        Assert.Equal(("/healthz", "http-metrics"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "http-metrics"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal("autotune", deployment.Spec.Template.Spec.ServiceAccountName);
        var service = StrictManifests.Parse<V1Service>(rendered.Single("Service"));
        Assert.Equal(("http-metrics", "http-metrics"), (service.Spec.Ports.Single().Name, service.Spec.Ports.Single().TargetPort.Value));
        Assert.Equal(deployment.Spec.Selector.MatchLabels, service.Spec.Selector);
        Assert.Equal("/tmp", Assert.Single(container.VolumeMounts).MountPath);
    }
}
