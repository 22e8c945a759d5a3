using System.Collections.Concurrent;
using System.Text;
using Autotune.Contracts;
using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Local;
using Autotune.Operator.Reconcile;
using Autotune.Operator.Tests.Kubernetes.Controller;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Security;

/// <summary>
/// The objects an ApiTuning names must opt in before the operator reads or changes them on its behalf
/// (docs/security.md): the target Deployment, the admin Secret and the database workload carry the annotation
/// autotune.dev/allow-tuning naming the ApiTuning, and the tuning ConfigMap must be the operator's own. Otherwise the
/// ApiTuning is Ready=False with a reason and a message naming the object and what it lacks, and nothing is touched.
/// The controller runs with the real Kubernetes ports, as the chart's ServiceAccount.
/// </summary>
public sealed class OptInTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Tuned = """
        {
          "targetRef": { "name": "orders-api" },
          "objectives": { "p99LatencyMs": 250 },
          "metrics": { "window": "10s", "scrapesPerWindow": 5 },
          "knobs": { "replicas": { "min": 1, "max": 6 }, "threadPoolMinThreads": { "min": 8, "max": 256 } }
        """;

    private const string WithDatabase = """
        , "postgres": { "adminSecretRef": { "name": "pg-admin" }, "workloadRef": { "kind": "StatefulSet", "name": "pg" }, "restart": "Immediate" }
        """;

    [Fact]
    public async Task A_target_without_the_opt_in_is_refused_naming_it_and_works_once_the_opt_in_is_added()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment("orders-api", 2, allowTuning: "billing"), cluster.Namespace, cancellationToken: Ct);

        // Refused passes back off to far beyond the test: only the Deployment's change can bring the next one.
        await using var run = Run.Start(cluster, failureBackoff: TimeSpan.FromMinutes(10));

        await cluster.ApplyAsync("orders", Tuned + "}");
        var ready = await ReadyAsync(cluster, r => r.Reason == ConditionReasons.OptInMissing);

        Assert.Equal(ConditionStatus.False, ready.Status);
        Assert.Contains($"Deployment {cluster.Namespace}/orders-api (spec.targetRef)", ready.Message, StringComparison.Ordinal);
        Assert.Contains($"{KubernetesNames.AllowTuning}: \"orders\"", ready.Message, StringComparison.Ordinal);
        await AssertUntouchedAsync(cluster);

        // The owner of the Deployment opts in: the operator sees the change on its watch and starts tuning at once,
        // as without the check.
        await AnnotateAsync(cluster, "deployments", "orders-api", "billing,orders");
        await Eventually.UntilAsync(() => run.Results.Contains(ReconcileResult.Started), Patience, "a tuning session to start");
        var tuning = await ReadyAsync(cluster, r => r.Status == ConditionStatus.True);
        Assert.Equal(ConditionReasons.Tuning, tuning.Reason);
    }

    [Fact]
    public async Task An_admin_secret_without_the_opt_in_is_refused_naming_it_and_nothing_is_touched()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        await CreateDatabaseObjectsAsync(cluster, secretOptIn: null, workloadOptIn: KubeTestCluster.TestTunings);
        await using var run = Run.Start(cluster);

        await cluster.ApplyAsync("orders", Tuned + WithDatabase + "}");
        var ready = await ReadyAsync(cluster, r => r.Reason == ConditionReasons.OptInMissing);

        Assert.Contains($"Secret {cluster.Namespace}/pg-admin (spec.postgres.adminSecretRef)", ready.Message, StringComparison.Ordinal);
        Assert.Contains(KubernetesNames.AllowTuning, ready.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ready.Message, StringComparison.Ordinal);
        await AssertUntouchedAsync(cluster);
    }

    [Fact]
    public async Task A_database_workload_without_the_opt_in_is_refused_naming_it_and_nothing_is_touched()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        await CreateDatabaseObjectsAsync(cluster, secretOptIn: KubeTestCluster.TestTunings, workloadOptIn: null);
        await using var run = Run.Start(cluster);

        await cluster.ApplyAsync("orders", Tuned + WithDatabase + "}");
        var ready = await ReadyAsync(cluster, r => r.Reason == ConditionReasons.OptInMissing);

        Assert.Contains($"StatefulSet {cluster.Namespace}/pg (spec.postgres.workloadRef)", ready.Message, StringComparison.Ordinal);
        await AssertUntouchedAsync(cluster);
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/statefulsets/"));
    }

    [Fact]
    public async Task A_tuning_configmap_the_operator_did_not_create_is_refused_and_left_as_it_was()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        var foreign = await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = KubernetesNames.TuningConfigMap("orders") },
            Data = new Dictionary<string, string> { ["app.conf"] = "someone else's" },
        }, cluster.Namespace, cancellationToken: Ct);
        await using var run = Run.Start(cluster);

        await cluster.ApplyAsync("orders", Tuned + "}");
        var ready = await ReadyAsync(cluster, r => r.Reason == ConditionReasons.ConfigMapNotOwned);

        Assert.Contains($"ConfigMap {cluster.Namespace}/orders-autotune exists and was not created by the operator", ready.Message, StringComparison.Ordinal);
        await AssertUntouchedAsync(cluster);
        var after = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("orders-autotune", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(foreign.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task The_settings_port_never_writes_a_configmap_it_does_not_own()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        var owner = await cluster.CreateApiTuningAsync("orders", KubeTestCluster.Spec());
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "orders-autotune" },
            Data = new Dictionary<string, string> { [KubernetesNames.TuningKey] = new TuningFile(7, 16, 8).ToJson() },
        }, cluster.Namespace, cancellationToken: Ct);
        var applier = new ConfigMapSettingsApplier(cluster.OperatorClient, owner, "orders-api", "/etc/autotune", new ConsoleStatusWriter(TextWriter.Null, null), TimeProvider.System);

        var write = await Assert.ThrowsAsync<AccessRefusedException>(() => applier.ApplyAsync(new TuningFile(1, 64, null), Ct));
        var read = await Assert.ThrowsAsync<AccessRefusedException>(() => applier.ReadAsync(Ct));

        Assert.Equal((ConditionReasons.ConfigMapNotOwned, ConditionReasons.ConfigMapNotOwned), (write.Reason, read.Reason));
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/configmaps/"));
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/deployments/"));
    }

    [Fact]
    public async Task An_opt_in_withdrawn_later_stops_the_ports_before_they_act()
    {
        await using var cluster = await KubeTestCluster.StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        await CreateDatabaseObjectsAsync(cluster, secretOptIn: KubeTestCluster.TestTunings, workloadOptIn: KubeTestCluster.TestTunings);
        var workload = new DeploymentWorkload(cluster.OperatorClient, cluster.Namespace, "orders-api", "orders", 9464, "/metrics");
        await using var admin = new KubernetesPostgresAdmin(cluster.OperatorClient, cluster.Namespace, "orders",
            new PostgresSpec { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" }, WorkloadRef = new WorkloadRef { Name = "pg" } },
            new KubernetesPortOptions { Http = new HttpClient(), DatabaseRestartTimeout = TimeSpan.FromSeconds(1) });
        await workload.ReadAsync(Ct);

        await AnnotateAsync(cluster, "deployments", "orders-api", "billing");
        await AnnotateAsync(cluster, "statefulsets", "pg", "billing");
        await AnnotateAsync(cluster, "secrets", "pg-admin", "billing");

        var scale = await Assert.ThrowsAsync<AccessRefusedException>(() => workload.ScaleAsync(5, Ct));
        var restart = await Assert.ThrowsAsync<AccessRefusedException>(() => admin.RestartAsync(Ct));
        var secret = await Assert.ThrowsAsync<AccessRefusedException>(() => admin.ReadAsync(Ct));

        Assert.Contains("Deployment", scale.Message, StringComparison.Ordinal);
        Assert.Contains("StatefulSet", restart.Message, StringComparison.Ordinal);
        Assert.Contains("Secret", secret.Message, StringComparison.Ordinal);
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/scale"));
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/statefulsets/"));
        Assert.Equal(2, (await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct)).Spec.Replicas);
    }

    [Theory]
    [InlineData("orders", true)]
    [InlineData("billing, orders", true)]
    [InlineData("billing", false)]
    [InlineData("orders-2", false)]
    [InlineData("", false)]
    [InlineData("*", false)]
    public void The_annotation_lists_the_ApiTunings_it_lets_in(string value, bool allowed)
    {
        var metadata = new V1ObjectMeta { Annotations = new Dictionary<string, string> { [KubernetesNames.AllowTuning] = value } };

        Assert.Equal(allowed, OptIn.Allows(metadata, "orders"));
        Assert.False(OptIn.Allows(new V1ObjectMeta(), "orders"));
    }

    /// <summary>Nothing the operator could change on the ApiTuning's behalf was changed or created.</summary>
    private static async Task AssertUntouchedAsync(KubeTestCluster cluster)
    {
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/deployments/"));
        Assert.Equal(0, OperatorRequests(cluster, "patch", "/configmaps/"));
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync(cluster.Namespace, labelSelector: KubernetesNames.ApiTuningLabel, cancellationToken: Ct)).Items);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal((1L, 2), (deployment.Metadata.Generation ?? 0, deployment.Spec.Replicas ?? 0));
    }

    /// <summary>The requests the operator made (not the test's own) with <paramref name="verb"/> to a path containing <paramref name="path"/>.</summary>
    private static int OperatorRequests(KubeTestCluster cluster, string verb, string path) =>
        cluster.Server.Requests.By(cluster.OperatorAuthorizer.User).Count(r => r.Verb == verb && r.Path.Contains(path, StringComparison.Ordinal));

    private static async Task CreateDatabaseObjectsAsync(KubeTestCluster cluster, string? secretOptIn, string? workloadOptIn)
    {
        var labels = new Dictionary<string, string> { ["app"] = "pg" };
        await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "pg", Annotations = workloadOptIn is null ? null : KubeTestCluster.AllowTuning(workloadOptIn) },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "pg",
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "pg", Image = "postgres:17" }] } },
            },
        }, cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "pg-admin", Annotations = secretOptIn is null ? null : KubeTestCluster.AllowTuning(secretOptIn) },
            Data = new Dictionary<string, byte[]> { ["connectionString"] = Encoding.UTF8.GetBytes("Host=127.0.0.1;Port=1;Username=admin;Password=hunter2") },
        }, cluster.Namespace, cancellationToken: Ct);
    }

    private static async Task AnnotateAsync(KubeTestCluster cluster, string resource, string name, string allowTuning)
    {
        var patch = new V1Patch(KubernetesJson.Serialize(new { metadata = new { annotations = KubeTestCluster.AllowTuning(allowTuning) } }), V1Patch.PatchType.MergePatch);
        _ = resource switch
        {
            "deployments" => (object)await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, cluster.Namespace, cancellationToken: Ct),
            "statefulsets" => await cluster.Client.AppsV1.PatchNamespacedStatefulSetAsync(patch, name, cluster.Namespace, cancellationToken: Ct),
            _ => await cluster.Client.CoreV1.PatchNamespacedSecretAsync(patch, name, cluster.Namespace, cancellationToken: Ct),
        };
    }

    private static async Task<StatusCondition> ReadyAsync(KubeTestCluster cluster, Func<StatusCondition, bool> done)
    {
        var resource = await Eventually.UntilAsync(
            () => cluster.GetApiTuningAsync("orders"),
            r => r.Status?.Conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { } ready && done(ready),
            Patience,
            "the Ready condition of orders");
        return resource.Status!.Conditions.Single(c => c.Type == ConditionTypes.Ready);
    }

    /// <summary>A controller with the real Kubernetes ports (the default port factory), run as the chart's ServiceAccount.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
        private Task _running = Task.CompletedTask;

        public ConcurrentQueue<string> Results { get; } = new();

        public static Run Start(KubeTestCluster cluster, TimeSpan? failureBackoff = null)
        {
            var run = new Run();
            var controller = new ApiTuningController(cluster.OperatorClient, new ControllerOptions
            {
                Namespaces = [cluster.Namespace],
                FailureBackoffBase = failureBackoff ?? TimeSpan.FromMilliseconds(20),
                FailureBackoffMax = failureBackoff ?? TimeSpan.FromMilliseconds(500),
                Ports = new KubernetesPortOptions { Http = run._http },
            }, new OperatorMetrics(), new TestLogger("operator"));
            controller.Reconciled += (_, result) => run.Results.Enqueue(result);
            run._running = controller.RunAsync(run._stop.Token);
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
            _http.Dispose();
        }
    }
}
