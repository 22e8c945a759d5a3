using System.Net;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// The operator's scenarios on a real cluster: K3s in a container (Testcontainers.K3s) with the operator and sample
/// API images built from their Dockerfiles and loaded into the node, charts/autotune and charts/sample-stack installed
/// with helm into namespaces that enforce the restricted pod security standard. Where no Docker engine is reachable
/// every test skips with that reason. One cluster for the class (<see cref="K3sCluster"/>); a fresh namespace per test.
/// </summary>
public sealed class K3sScenarioTests(K3sCluster cluster) : IClassFixture<K3sCluster>
{
    private const string SampleStack = "charts/sample-stack";

    /// <summary>A sample stack's install: PostgreSQL's volume, the first API start that seeds 100,000 users.</summary>
    private static readonly TimeSpan StackInstall = TimeSpan.FromMinutes(10);

    /// <summary>Until the operator has judged a full window (the sample stack's ApiTuning has a 60 s window).</summary>
    private static readonly TimeSpan Judged = TimeSpan.FromMinutes(6);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task K3s_refuses_a_schema_invalid_ApiTuning_with_422_naming_the_field()
    {
        cluster.RequireCluster();
        var ns = await cluster.CreateNamespaceAsync("schema");

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.CreateApiTuningAsync(ns, "orders", K3sInstall.SchemaInvalidSpec));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Contains("spec.mode", refused.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_installed_operator_sets_InvalidSpec_naming_the_field_the_schema_cannot_check()
    {
        cluster.RequireCluster();
        var ns = await cluster.CreateNamespaceAsync("invalid");

        await cluster.CreateApiTuningAsync(ns, "orders", K3sInstall.OperatorInvalidSpec);
        var status = (await cluster.ApiTuningAsync(ns, "orders", r => Has(r, ConditionTypes.InvalidSpec, ConditionStatus.True), "InvalidSpec set by the operator in the cluster", TimeSpan.FromMinutes(2))).Status!;

        Assert.Contains("spec.metrics.prometheus.url", status.Conditions.Single(c => c.Type == ConditionTypes.InvalidSpec).Message, StringComparison.Ordinal);
        Assert.Equal(ConditionStatus.False, status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Status);
    }

    [Fact]
    public async Task The_operator_runs_the_built_image_under_restricted_pod_security_and_answers_healthz_readyz_and_metrics()
    {
        cluster.RequireCluster();
        var pod = Assert.Single(await cluster.ReadyPodsAsync(K3sInstall.OperatorNamespace, K3sInstall.OperatorSelector, 1, TimeSpan.FromMinutes(2)));
        var @namespace = await cluster.Client.CoreV1.ReadNamespaceAsync(K3sInstall.OperatorNamespace, cancellationToken: Ct);
        var root = $"/api/v1/namespaces/{K3sInstall.OperatorNamespace}/pods/{pod.Metadata.Name}:{K3sInstall.OperatorHealthPort}/proxy";

        var healthz = await cluster.ProxyGetAsync(root + "/healthz", cancellationToken: Ct);
        var readyz = await cluster.ProxyGetAsync(root + "/readyz", cancellationToken: Ct);
        var metrics = await cluster.ProxyGetAsync(root + "/metrics", cancellationToken: Ct);

        // The API server admitted the pod under the restricted standard, and it runs as the chart renders it.
        Assert.Equal("restricted", @namespace.Metadata.Labels["pod-security.kubernetes.io/enforce"]);
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal((K3sInstall.Operator.Name, "Never"), (container.Image, container.ImagePullPolicy));
        Assert.Equal(K3sInstall.OperatorName, pod.Spec.ServiceAccountName);
        Assert.Equal((true, K3sInstall.AppUid, "RuntimeDefault"), (pod.Spec.SecurityContext.RunAsNonRoot, pod.Spec.SecurityContext.RunAsUser, pod.Spec.SecurityContext.SeccompProfile?.Type));
        Assert.Equal((true, false), (container.SecurityContext.ReadOnlyRootFilesystem, container.SecurityContext.AllowPrivilegeEscalation));
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        var state = Assert.Single(pod.Status.ContainerStatuses);
        Assert.NotNull(state.State.Running);
        Assert.Equal(0, state.RestartCount);
        Assert.Equal((HttpStatusCode.OK, "ok"), healthz);
        Assert.Equal(HttpStatusCode.OK, readyz.Status);
        Assert.StartsWith("ok", readyz.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        Assert.Contains("autotune_queue_depth", metrics.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_stacks_ApiTuning_in_Recommend_becomes_Ready_with_observed_metrics_and_changes_nothing_but_status()
    {
        cluster.RequireCluster();
        var ns = await cluster.CreateNamespaceAsync("recommend");
        try
        {
            const string release = "shop";
            var api = K3sInstall.Api(release);
            await cluster.HelmInstallAsync(release, SampleStack, ns, K3sInstall.SampleStackValues(apiTuning: true, mode: "Recommend"), StackInstall);
            var pods = await cluster.ReadyPodsAsync(ns, $"app.kubernetes.io/instance={release},app.kubernetes.io/component=api", K3sInstall.ApiReplicas, TimeSpan.FromMinutes(2));

            ApiTuningResource ready;
            int served;
            await using (var load = K3sProxyLoad.Start(cluster, ns, api, concurrency: 4))
            {
                ready = await WithContextAsync(ns, api, load, () => cluster.ApiTuningAsync(
                    ns,
                    api,
                    r => Has(r, ConditionTypes.Ready, ConditionStatus.True) && Has(r, ConditionTypes.MetricsAvailable, ConditionStatus.True)
                        && r.Status!.Observed?.Pods == K3sInstall.ApiReplicas && r.Status.Observed.Rps > 0,
                    "the chart's ApiTuning Ready with the traffic of both pods observed",
                    Judged));
                served = load.Ok;
            }

            var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(api, ns, cancellationToken: Ct);
            var database = await cluster.Client.AppsV1.ReadNamespacedStatefulSetAsync(K3sInstall.Postgres(release), ns, cancellationToken: Ct);
            var configMaps = await cluster.Client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: Ct);

            var status = ready.Status!;
            Assert.All(pods, p => Assert.Equal(K3sInstall.SampleApi.Name, Assert.Single(p.Spec.Containers).Image));
            Assert.True(served > 0, "no request reached the API through the service proxy");
            Assert.Equal("Recommending", status.Conditions.Single(c => c.Type == ConditionTypes.Ready).Reason);
            Assert.Equal(1L, status.ObservedGeneration);
            Assert.Equal(K3sInstall.ApiReplicas, status.Current?.Replicas);

            // The operator read the server as the chart's non-superuser role, from its own namespace.
            Assert.Equal(K3sInstall.MaxConnections, status.Current?.PostgresMaxConnections);
            Assert.Equal(ConditionStatus.False, status.Conditions.Single(c => c.Type == ConditionTypes.PendingRestart).Status);

            // Recommend: the Deployment and the StatefulSet are as helm created them, and no tuning file was written.
            Assert.Equal((1L, K3sInstall.ApiReplicas), (deployment.Metadata.Generation, deployment.Spec.Replicas));
            Assert.Equal(1L, database.Metadata.Generation);
            Assert.DoesNotContain(configMaps.Items, m => m.Metadata.Name == KubernetesNames.TuningConfigMap(api));
        }
        finally
        {
            // The next test's stack needs the room on the node.
            await cluster.DeleteNamespaceAsync(ns);
        }
    }

    [Fact]
    public async Task An_HPA_on_the_target_leaves_its_replicas_alone_and_says_so_while_its_pods_are_observed()
    {
        cluster.RequireCluster();
        var ns = await cluster.CreateNamespaceAsync("hpa");
        try
        {
            const string release = "orders";
            var api = K3sInstall.Api(release);
            await cluster.HelmInstallAsync(release, SampleStack, ns, K3sInstall.SampleStackValues(apiTuning: false), StackInstall);

            // Minimum = maximum: the autoscaler itself never moves the replicas, so any change would be the operator's.
            await cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
            {
                Metadata = new V1ObjectMeta { Name = api },
                Spec = new V2HorizontalPodAutoscalerSpec
                {
                    MinReplicas = K3sInstall.ApiReplicas,
                    MaxReplicas = K3sInstall.ApiReplicas,
                    ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = api },
                },
            }, ns, cancellationToken: Ct);
            await cluster.CreateApiTuningAsync(ns, api, K3sInstall.HpaScenarioSpec(api));
            var seen = await WithContextAsync(ns, api, load: null, () => cluster.ApiTuningAsync(
                ns,
                api,
                r => Has(r, ConditionTypes.ReplicasManagedElsewhere, ConditionStatus.True) && Has(r, ConditionTypes.Ready, ConditionStatus.True)
                    && Has(r, ConditionTypes.MetricsAvailable, ConditionStatus.True) && r.Status!.Observed?.Pods == K3sInstall.ApiReplicas,
                "ReplicasManagedElsewhere with both pods observed",
                Judged));
            var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(api, ns, cancellationToken: Ct);

            var status = seen.Status!;
            Assert.Contains($"HorizontalPodAutoscaler {api}", status.Conditions.Single(c => c.Type == ConditionTypes.ReplicasManagedElsewhere).Message, StringComparison.Ordinal);
            Assert.Equal((1L, K3sInstall.ApiReplicas), (deployment.Metadata.Generation, deployment.Spec.Replicas));
            Assert.Equal(K3sInstall.ApiReplicas, status.Current?.Replicas);
            Assert.DoesNotContain(status.History.Append(status.LastDecision).OfType<DecisionRecord>(), d => d.Knob == Knob.Replicas);
        }
        finally
        {
            // The next test's stack needs the room on the node.
            await cluster.DeleteNamespaceAsync(ns);
        }
    }

    private static bool Has(ApiTuningResource resource, string type, ConditionStatus status) =>
        resource.Status?.Conditions.Any(c => c.Type == type && c.Status == status) == true;

    /// <summary>Runs a wait; when it times out, the message also says what the ApiTuning, the pods and the load showed.</summary>
    private async Task<T> WithContextAsync<T>(string @namespace, string name, K3sProxyLoad? load, Func<Task<T>> wait)
    {
        try
        {
            return await wait();
        }
        catch (TimeoutException e)
        {
            var status = (await cluster.Client.CustomObjects.GetNamespacedCustomObjectAsync<ApiTuningResource>(
                ApiTuningResource.Group, ApiTuningResource.Version, @namespace, ApiTuningResource.Plural, name, Ct)).Status;
            var conditions = string.Join("; ", status?.Conditions.Select(c => $"{c.Type}={c.Status} ({c.Reason}: {c.Message})") ?? []);
            throw new TimeoutException(
                $"{e.Message}\nconditions: {conditions}\nobserved: {status?.Observed}\nload: {load?.ToString() ?? "none"}\n{await cluster.DescribeAsync(@namespace)}", e);
        }
    }
}
