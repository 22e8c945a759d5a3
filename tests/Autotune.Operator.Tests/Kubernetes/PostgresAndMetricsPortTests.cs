using System.Net;
using System.Text;
using Autotune.Engine.Resource.Spec;
using Autotune.KubeApi.Kubelet;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using Autotune.Testing;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;
using static Autotune.Operator.Tests.Kubernetes.KubeTestCluster;

namespace Autotune.Operator.Tests.Kubernetes;

public sealed class PostgresAndMetricsPortTests
{
    [Fact]
    public async Task A_missing_admin_secret_is_reported_by_name_without_any_secret_value()
    {
        await using var cluster = await StartAsync();
        var spec = new PostgresSpec { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" } };
        await using var admin = new KubernetesPostgresAdmin(cluster.OperatorClient, cluster.Namespace, "orders", spec, new KubernetesPortOptions { Http = new HttpClient() });

        var missing = await Assert.ThrowsAsync<SafeFailureException>(() => admin.ReadAsync(Ct));
        Assert.Contains("pg-admin", missing.Message, StringComparison.Ordinal);

        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "pg-admin", Annotations = KubeTestCluster.AllowTuning() },
            Data = new Dictionary<string, byte[]> { ["other"] = Encoding.UTF8.GetBytes("Host=db;Password=hunter2") },
        }, cluster.Namespace, cancellationToken: Ct);
        var noKey = await Assert.ThrowsAsync<SafeFailureException>(() => admin.ReadAsync(Ct));
        Assert.Contains("key connectionString of Secret", noKey.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", noKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_database_in_the_spec_means_no_postgres_port()
    {
        await using var cluster = await StartAsync();
        var ports = KubernetesPorts.Create(cluster.OperatorClient, await cluster.CreateApiTuningAsync("orders", Spec()), new KubernetesPortOptions { Http = new HttpClient() });
        Assert.Null(ports.Postgres);
    }

    [Fact]
    public async Task Raises_max_connections_and_restarts_the_statefulset_until_show_confirms()
    {
        await using var postgres = await PostgresServer.StartAsync(maxConnections: 30, cancellationToken: Ct);
        await using var cluster = await StartAsync();
        await using var kubelet = StandInKubelet.Start(cluster.Server, new KubeletOptions { Command = ["true"], Namespace = cluster.Namespace, Postgres = postgres, PostgresStatefulSet = "pg" });
        await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "pg", Annotations = KubeTestCluster.AllowTuning() },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "pg",
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "pg" } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "pg" } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "pg", Image = "postgres:17" }] } },
            },
        }, cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "pg-admin", Annotations = KubeTestCluster.AllowTuning() },
            StringData = new Dictionary<string, string> { ["connectionString"] = postgres.ConnectionString },
        }, cluster.Namespace, cancellationToken: Ct);
        var spec = new PostgresSpec { AdminSecretRef = new SecretKeyRef { Name = "pg-admin" }, WorkloadRef = new WorkloadRef { Name = "pg" }, Restart = RestartPolicy.Immediate };
        await using var admin = new KubernetesPostgresAdmin(cluster.OperatorClient, cluster.Namespace, "orders", spec, new KubernetesPortOptions { Http = new HttpClient(), DatabaseRestartPoll = TimeSpan.FromMilliseconds(200), DatabaseRestartTimeout = TimeSpan.FromSeconds(90) });

        var pending = await admin.SetMaxConnectionsAsync(45, Ct);
        Assert.True(pending.PendingRestart);
        await admin.RestartAsync(Ct);
        var after = await admin.ReadAsync(Ct);

        Assert.Equal((45, false), (after.MaxConnections, after.PendingRestart));
        Assert.Equal(1, kubelet.DatabaseRestarts);
        var statefulSet = await cluster.Client.AppsV1.ReadNamespacedStatefulSetAsync("pg", cluster.Namespace, cancellationToken: Ct);
        Assert.True(statefulSet.Spec.Template.Metadata.Annotations.ContainsKey(KubernetesNames.RestartedAt));
    }

    [Fact]
    public async Task Scrapes_ready_pods_concurrently_and_a_live_pod_that_does_not_answer_in_time_counts_as_timed_out()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}", $"http://127.0.0.2:{port}");
        await using var app = builder.Build();
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            if (context.Connection.LocalIpAddress!.Equals(IPAddress.Parse("127.0.0.2")))
            {
                await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted); // alive, starved
            }

            return "autotune_tuning_generation 3\n";
        });
        await app.StartAsync(Ct);
        await using var cluster = await StartAsync();
        await cluster.CreateDeploymentAsync("orders-api");
        await cluster.CreatePodAsync("orders-api-1-fast", "orders-api", "127.0.0.1", ready: true);
        await cluster.CreatePodAsync("orders-api-1-slow", "orders-api", "127.0.0.2", ready: true);
        var owner = await cluster.CreateApiTuningAsync("orders", Spec(change: s => s with { Metrics = new MetricsSpec { Port = port } }));
        var ports = KubernetesPorts.Create(cluster.OperatorClient, owner, new KubernetesPortOptions { Http = new HttpClient(), ScrapeTimeout = TimeSpan.FromSeconds(5) });

        var scrapes = await ports.Metrics.ScrapeAsync(Ct);

        var fast = Assert.Single(scrapes, s => s.Pod == "orders-api-1-fast");
        using (fast.Body)
        {
            Assert.Equal("autotune_tuning_generation 3\n", Encoding.UTF8.GetString(Assert.IsType<ScrapeBody>(fast.Body).Bytes));
        }

        Assert.True(fast.Succeeded);
        var slow = Assert.Single(scrapes, s => s.Pod == "orders-api-1-slow");
        Assert.True(slow.TimedOut);
        Assert.Null(slow.Text);
        Assert.Null(slow.Body);
        Assert.False(slow.Succeeded);
    }

    [Fact]
    public async Task Reads_the_same_series_from_prometheus_per_pod()
    {
        const string answer = """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"autotune_tuning_generation","namespace":"shop","pod":"orders-api-1-a"},"value":[1764226800,"4"]},
              {"metric":{"__name__":"up","namespace":"shop","pod":"orders-api-1-a"},"value":[1764226800,"1"]},
              {"metric":{"__name__":"up","namespace":"shop","pod":"orders-api-1-b"},"value":[1764226800,"0"]},
              {"metric":{"__name__":"scrape_duration_seconds","namespace":"shop","pod":"orders-api-1-b"},"value":[1764226800,"2"]}
            ]}}
            """;
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        string? query = null;
        app.MapGet("/api/v1/query", (HttpContext context) =>
        {
            query = context.Request.Query["query"];
            return Results.Text(answer, "application/json");
        });
        await app.StartAsync(Ct);
        IMetricsSource source = new PrometheusMetricsSource(new HttpClient(), new Uri($"http://127.0.0.1:{port}/"), PrometheusMetricsSource.DeploymentSelector("shop", "orders-api"), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeProvider.System);

        var scrapes = await source.ScrapeAsync(Ct);

        Assert.Contains("pod=~\"orders-api-[a-z0-9]+-[a-z0-9]+\"", query, StringComparison.Ordinal);
        var a = Assert.Single(scrapes, s => s.Pod == "orders-api-1-a");
        Assert.Contains("autotune_tuning_generation{namespace=\"shop\",pod=\"orders-api-1-a\"} 4", a.Text, StringComparison.Ordinal);
        var b = Assert.Single(scrapes, s => s.Pod == "orders-api-1-b");
        Assert.True(b.TimedOut);
    }
}
