using System.Globalization;
using Autotune.Contracts;
using Autotune.KubeApi.Kubelet;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Controller;
using Autotune.Operator.Tests.Kubernetes.Controller;
using Autotune.Operator.Tests.LocalMode;
using Autotune.Testing;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// One scenario's cluster: the in-process API server with the CRD, the stand-in kubelet running real sample-API
/// processes as the pods of a Deployment, a real PostgreSQL on loopback, and the operator's controller with the
/// Kubernetes ports. Load is driven at the pods' addresses.
/// </summary>
internal sealed class ScenarioStack : IAsyncDisposable
{
    public const string ApiKey = "scenario-test-key";
    public const string Target = "sample-api";
    public const int SeededUsers = 5_000;

    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<(Task Run, CancellationTokenSource Stop)> _operators = [];
    private readonly int _httpPort;

    private ScenarioStack(KubeTestCluster cluster, PostgresServer postgres, StandInKubelet kubelet, int httpPort)
    {
        Cluster = cluster;
        Postgres = postgres;
        Kubelet = kubelet;
        _httpPort = httpPort;
    }

    public KubeTestCluster Cluster { get; }

    public PostgresServer Postgres { get; }

    public StandInKubelet Kubelet { get; }

    public LoadDriver? Load { get; private set; }

    public string Namespace => Cluster.Namespace;

    public System.Collections.Concurrent.ConcurrentQueue<string> Results { get; } = new();

    public ApiTuningController? Controller { get; private set; }

    /// <summary>Starts PostgreSQL, the API server and the kubelet, and creates the target Deployment with its replicas.</summary>
    public static async Task<ScenarioStack> StartAsync(int replicas, bool blocking, int maxConnections = 100)
    {
        var ct = TestContext.Current.CancellationToken;
        var postgres = await PostgresServer.StartAsync(maxConnections, cancellationToken: ct);
        var cluster = await KubeTestCluster.StartAsync();
        var httpPort = FreePort.Next();
        var kubelet = StandInKubelet.Start(cluster.Server, new KubeletOptions
        {
            Command = [Path.Combine(AppContext.BaseDirectory, "SampleApi")],
            Namespace = cluster.Namespace,
            Postgres = postgres,
            HttpPort = httpPort,
            MetricsPort = FreePort.Next(),
            FirstAddress = 20 + Random.Shared.Next(200),
            Environment = new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = postgres.ConnectionString,
                ["SampleApi__ApiKey"] = ApiKey,
                ["SampleApi__SeedUsers"] = SeededUsers.ToString(CultureInfo.InvariantCulture),
                ["SampleApi__RateLimitPerSecond"] = "100000",
                ["SampleApi__RateLimitBurst"] = "100000",
                ["SampleApi__Cache__LocalEnabled"] = "false",
                ["SampleApi__Cache__RedisEnabled"] = "false",
                ["SampleApi__Demo__BlockingDataPath"] = blocking ? "true" : "false",
                ["SampleApi__Demo__SimulatedRoundTripMilliseconds"] = "20",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        });
        var stack = new ScenarioStack(cluster, postgres, kubelet, httpPort);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment(Target, replicas), cluster.Namespace, cancellationToken: ct);
        await stack.ReadyPodsAsync(replicas);
        return stack;
    }

    /// <summary>The Ready pods of the target, awaited until there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<V1Pod>> ReadyPodsAsync(int count, TimeSpan? timeout = null) =>
        await Eventually.UntilAsync(
            async () => (await Cluster.Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: $"app={Target}", cancellationToken: _stop.Token)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList(),
            pods => pods.Count == count,
            timeout ?? TimeSpan.FromSeconds(120),
            $"{count} ready pods of {Target} (kubelet: {string.Join("; ", Kubelet.Errors)})");

    /// <summary>Drives load at every ready pod, following them as they change.</summary>
    public async Task StartLoadAsync(int concurrency)
    {
        var pods = await ReadyPodsAsync((await Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(Target, Namespace, cancellationToken: _stop.Token)).Spec.Replicas ?? 1);
        Load = new LoadDriver(Urls(pods), concurrency, ApiKey, SeededUsers);
        Cluster.Server.Store.ObjectChanged += change => Retarget();
    }

    /// <summary>Runs the controller (no leader election) with the Kubernetes ports.</summary>
    public ApiTuningController StartOperator()
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var options = new ControllerOptions
        {
            Namespaces = [Namespace],
            Ports = new KubernetesPortOptions { Http = _http, ScrapeTimeout = TimeSpan.FromSeconds(2), DatabaseRestartPoll = TimeSpan.FromMilliseconds(250) },
        };
        var controller = new ApiTuningController(Cluster.OperatorClient, options, new OperatorMetrics(), new TestLogger("operator"));
        controller.Reconciled += (key, result) => Results.Enqueue(result);
        Controller = controller;
        _operators.Add((controller.RunAsync(stop.Token), stop));
        return controller;
    }

    /// <summary>The ApiTuning's status, awaited until <paramref name="done"/> holds.</summary>
    public async Task<ApiTuningResource> StatusAsync(string name, Func<ApiTuningResource, bool> done, string what, TimeSpan? timeout = null) =>
        await Eventually.UntilAsync(() => Cluster.GetApiTuningAsync(name), done, timeout ?? TimeSpan.FromSeconds(150), what);

    /// <summary>The tuning generation each ready pod reports on its metrics endpoint.</summary>
    public async Task<IReadOnlyList<long>> ReportedGenerationsAsync()
    {
        var pods = (await Cluster.Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: $"app={Target}", cancellationToken: _stop.Token)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList();
        var generations = new List<long>();
        foreach (var pod in pods)
        {
            var text = await _http.GetStringAsync(new Uri($"http://{pod.Status.PodIP}:{Kubelet.MetricsPort}/metrics"), _stop.Token);
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(MetricNames.AppliedGeneration.Prometheus, StringComparison.Ordinal));
            generations.Add(line is null ? -1 : (long)double.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture));
        }

        return generations;
    }

    /// <summary>The tuning file the operator's ConfigMap carries, or null.</summary>
    public async Task<TuningFile?> ConfigMapTuningAsync(string name)
    {
        var maps = await Cluster.Client.CoreV1.ListNamespacedConfigMapAsync(Namespace, cancellationToken: _stop.Token);
        var data = maps.Items.Where(m => m.Metadata.OwnerReferences?.Any(o => o.Name == name) == true).Select(m => m.Data?.Values.FirstOrDefault()).FirstOrDefault(d => d is not null);
        return data is not null && TuningFile.TryParse(data, out var file, out _) ? file : null;
    }

    /// <summary>An ApiTuning spec for the target, with the shortest window the CRD allows.</summary>
    public string Spec(string knobs, string mode = "Auto", string extra = "") => $$"""
        {
          "targetRef": { "name": "{{Target}}" },
          "mode": "{{mode}}",
          "objectives": { "p99LatencyMs": 100, "maxPoolWaitMs": 10, "maxQueueDepth": 5 },
          "metrics": { "window": "10s", "scrapesPerWindow": 5, "port": {{Kubelet.MetricsPort}}, "path": "/metrics" },
          "knobs": { {{knobs}} },
          "apply": { "method": "HotReload", "maxSurge": 0 },
          "behavior": { "cooldownSeconds": 10, "scaleInStabilizationSeconds": 600 }{{extra}}
        }
        """;

    private List<Uri> Urls(IEnumerable<V1Pod> pods) => pods.Select(p => new Uri($"http://{p.Status.PodIP}:{_httpPort}/")).ToList();

    // Called for every change in the store; the pods are re-read off the store's thread, and a failure only means
    // the stack is stopping (RetargetAsync catches it), so nothing goes unobserved.
    private void Retarget() => _ = Task.Run(RetargetAsync);

    private async Task RetargetAsync()
    {
        try
        {
            var pods = (await Cluster.Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: $"app={Target}", cancellationToken: _stop.Token)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
            Load?.Retarget(Urls(pods));
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            // The stack is stopping.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Load is not null)
        {
            await Load.DisposeAsync();
        }

        await _stop.CancelAsync();
        foreach (var (run, stop) in _operators)
        {
            await run;
            stop.Dispose();
        }

        await Kubelet.DisposeAsync();
        await Cluster.DisposeAsync();
        await Postgres.DisposeAsync();
        _http.Dispose();
        _stop.Dispose();
    }
}
