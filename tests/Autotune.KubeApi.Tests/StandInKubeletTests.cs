using System.Globalization;
using Autotune.KubeApi.Kubelet;
using Autotune.Testing;
using k8s;
using k8s.Models;
using Npgsql;
using Xunit;

namespace Autotune.KubeApi.Tests;

/// <summary>One PostgreSQL for the pod-process tests (the sample API needs a database; none of them restarts it).</summary>
public sealed class SharedPostgres : IAsyncLifetime
{
    public PostgresServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await PostgresServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

public sealed class StandInKubeletTests(SharedPostgres shared) : IClassFixture<SharedPostgres>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_a_process_per_replica_and_follows_scale_and_template_changes()
    {
        var postgres = shared.Server;
        await using var cluster = await TestCluster.StartAsync();
        var kubelet = StandInKubelet.Start(cluster.Server, Options(cluster, postgres));
        try
        {
            await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("orders-api", replicas: 2), cluster.Namespace, cancellationToken: Ct);
            var pods = await ReadyPodsAsync(cluster, kubelet, 2);
            Assert.Equal(2, pods.Select(p => p.Status.PodIP).Distinct().Count());
            foreach (var pod in pods)
            {
                Assert.Contains("autotune_", await MetricsAsync(pod, kubelet), StringComparison.Ordinal);
            }

            await cluster.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "orders-api", cluster.Namespace, cancellationToken: Ct);
            var scaled = Assert.Single(await ReadyPodsAsync(cluster, kubelet, 1));
            Assert.Contains(scaled.Metadata.Name, pods.Select(p => p.Metadata.Name));

            var env = """[{"op":"add","path":"/spec/template/spec/containers/0/env","value":[{"name":"SampleApi__RateLimitBurst","value":"5000"}]}]""";
            await cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(env, V1Patch.PatchType.JsonPatch), "orders-api", cluster.Namespace, cancellationToken: Ct);
            var rolled = await EventuallyAsync(async () => (await ReadyPodsAsync(cluster, kubelet, 1)) is [var only] && only.Metadata.Name != scaled.Metadata.Name ? only : null, kubelet);
            Assert.Contains("autotune_", await MetricsAsync(rolled, kubelet), StringComparison.Ordinal);
            var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("orders-api", cluster.Namespace, cancellationToken: Ct);
            Assert.Equal(1, deployment.Status.ReadyReplicas);
        }
        finally
        {
            await kubelet.DisposeAsync();
        }

        Assert.Empty(kubelet.Errors);
    }

    [Fact]
    public async Task Kubectl_rollout_status_follows_the_rollouts_the_kubelet_makes()
    {
        await using var clients = await RealClients.StartAsync();
        var kubelet = StandInKubelet.Start(clients.Cluster.Server, Options(clients.Cluster, shared.Server));
        try
        {
            await clients.Cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("orders-api", replicas: 1), clients.Cluster.Namespace, cancellationToken: Ct);
            Assert.Contains("deployment \"orders-api\" successfully rolled out", await clients.KubectlOkAsync("rollout", "status", "deployment/orders-api", "--timeout=90s"), StringComparison.Ordinal);
            var first = Assert.Single(await ReadyPodsAsync(clients.Cluster, kubelet, 1));

            var env = """[{"op":"add","path":"/spec/template/spec/containers/0/env","value":[{"name":"SampleApi__RateLimitBurst","value":"5000"}]}]""";
            await clients.Cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(env, V1Patch.PatchType.JsonPatch), "orders-api", clients.Cluster.Namespace, cancellationToken: Ct);
            Assert.Contains("successfully rolled out", await clients.KubectlOkAsync("rollout", "status", "deployment/orders-api", "--timeout=90s"), StringComparison.Ordinal);
            var rolled = Assert.Single(await ReadyPodsAsync(clients.Cluster, kubelet, 1));
            Assert.NotEqual(first.Metadata.Name, rolled.Metadata.Name);
        }
        finally
        {
            await kubelet.DisposeAsync();
        }

        Assert.Empty(kubelet.Errors);
    }

    [Fact]
    public async Task Copies_the_mounted_configmap_into_each_pods_tuning_file_and_the_agent_applies_it()
    {
        var postgres = shared.Server;
        await using var cluster = await TestCluster.StartAsync();
        await using var kubelet = StandInKubelet.Start(cluster.Server, Options(cluster, postgres) with { VolumeUpdateDelay = TimeSpan.FromMilliseconds(300) });
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(TuningMap(generation: 1, minThreads: 12), cluster.Namespace, cancellationToken: Ct);
        var deployment = Objects.Deployment("orders-api", replicas: 2);
        deployment.Spec.Template.Spec.Volumes = [new V1Volume { Name = "tuning", ConfigMap = new V1ConfigMapVolumeSource { Name = "orders-tuning" } }];
        var container = deployment.Spec.Template.Spec.Containers[0];
        container.VolumeMounts = [new V1VolumeMount { Name = "tuning", MountPath = "/etc/autotune", ReadOnlyProperty = true }];
        container.Env = [new V1EnvVar { Name = "AUTOTUNE_TUNING_FILE", Value = "/etc/autotune/tuning.json" }];
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, cluster.Namespace, cancellationToken: Ct);
        var pods = await ReadyPodsAsync(cluster, kubelet, 2);
        foreach (var pod in pods)
        {
            await EventuallyAsync(async () => Gauge(await MetricsAsync(pod, kubelet), "autotune_tuning_generation") == 1 ? pod : null, kubelet);
        }

        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(KubernetesJson.Serialize(new { data = TuningMap(2, 40).Data }), V1Patch.PatchType.MergePatch), "orders-tuning", cluster.Namespace, cancellationToken: Ct);

        foreach (var pod in pods)
        {
            await EventuallyAsync(async () => Gauge(await MetricsAsync(pod, kubelet), "autotune_tuning_generation") == 2 ? pod : null, kubelet);
            Assert.Equal(40, Gauge(await MetricsAsync(pod, kubelet), "autotune_tuning_thread_pool_min_threads"));
            var local = kubelet.LocalPath(cluster.Namespace, pod.Metadata.Name, "/etc/autotune/tuning.json");
            Assert.Contains("\"generation\": 2", await File.ReadAllTextAsync(local!, Ct), StringComparison.Ordinal);
        }
    }

    internal static KubeletOptions Options(TestCluster cluster, PostgresServer postgres) => new()
    {
        Command = [Path.Combine(AppContext.BaseDirectory, "SampleApi")],
        Namespace = cluster.Namespace,
        HttpPort = FreePort.Next(),
        MetricsPort = FreePort.Next(),
        FirstAddress = 100 + Random.Shared.Next(100),
        Postgres = postgres,
        Environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres.ConnectionString,
            ["SampleApi__ApiKey"] = "kubelet-test",
            ["SampleApi__SeedUsers"] = "100",
            ["SampleApi__Cache__RedisEnabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        },
    };

    private static V1ConfigMap TuningMap(long generation, int minThreads) => new()
    {
        Metadata = new V1ObjectMeta { Name = "orders-tuning" },
        Data = new Dictionary<string, string>
        {
            ["tuning.json"] = string.Create(CultureInfo.InvariantCulture, $$"""{"generation": {{generation}}, "threadPoolMinThreads": {{minThreads}}, "schemaVersion": 1}"""),
        },
    };

    internal static V1StatefulSet StatefulSet(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            ServiceName = name,
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "postgres", Image = "postgres:17" }] },
            },
        },
    };

    private static async Task<IReadOnlyList<V1Pod>> ReadyPodsAsync(TestCluster cluster, StandInKubelet kubelet, int count) =>
        await EventuallyAsync(async () =>
        {
            var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(cluster.Namespace, labelSelector: "app=orders-api", cancellationToken: Ct);
            var ready = pods.Items.Where(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList();
            return pods.Items.Count == count && ready.Count == count ? ready : null;
        }, kubelet);

    private static async Task<string> MetricsAsync(V1Pod pod, StandInKubelet kubelet)
    {
        using var http = new HttpClient();
        var port = kubelet.MetricsPort;
        return await http.GetStringAsync(new Uri($"http://{pod.Status.PodIP}:{port}/metrics"), Ct);
    }

    private static double? Gauge(string metrics, string name)
    {
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Awaits a condition (polled) within the test's patience, failing with the kubelet's errors.</summary>
    internal static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, StandInKubelet kubelet)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Patience);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (deadline.IsCancellationRequested)
            {
                Assert.Fail($"not reached within {Patience.TotalSeconds:0} s; kubelet errors: {string.Join(" | ", kubelet.Errors)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }
}

public sealed class StandInKubeletDatabaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Restarts_the_database_when_its_statefulset_template_changes()
    {
        await using var postgres = await PostgresServer.StartAsync(maxConnections: 30, cancellationToken: Ct);
        await using var cluster = await TestCluster.StartAsync();
        await using var kubelet = StandInKubelet.Start(cluster.Server, StandInKubeletTests.Options(cluster, postgres) with { PostgresStatefulSet = "pg" });
        await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(StandInKubeletTests.StatefulSet("pg"), cluster.Namespace, cancellationToken: Ct);
        await using (var connection = new NpgsqlConnection(postgres.ConnectionString + ";Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var alter = new NpgsqlCommand("ALTER SYSTEM SET max_connections = 42", connection);
            await alter.ExecuteNonQueryAsync(Ct);
        }

        await cluster.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch(KubernetesJson.Serialize(new { spec = new { replicas = 1 } }), V1Patch.PatchType.MergePatch), "pg", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal(0, kubelet.DatabaseRestarts); // replicas are not the pod template
        await cluster.Client.AppsV1.PatchNamespacedStatefulSetAsync(new V1Patch("""{"spec":{"template":{"metadata":{"annotations":{"autotune.dev/restartedAt":"2026-11-27T07:00:00Z"}}}}}""", V1Patch.PatchType.MergePatch), "pg", cluster.Namespace, cancellationToken: Ct);

        await StandInKubeletTests.EventuallyAsync(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(postgres.ConnectionString + ";Pooling=false");
                await connection.OpenAsync(Ct);
                await using var show = new NpgsqlCommand("SHOW max_connections", connection);
                return (string?)await show.ExecuteScalarAsync(Ct) == "42" ? "restarted" : null;
            }
            catch (NpgsqlException)
            {
                return null; // restarting
            }
        }, kubelet);
        Assert.Equal(1, kubelet.DatabaseRestarts);
    }
}
