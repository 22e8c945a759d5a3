using System.Globalization;
using Autotune.Contracts;
using Autotune.KubeApi;
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

    /// <summary>The StatefulSet standing in for the database: a change to its pod template restarts the local PostgreSQL.</summary>
    public const string Database = "postgres";

    /// <summary>The Secret (key <c>connectionString</c>) holding the operator's admin connection string.</summary>
    public const string AdminSecret = "pg-admin";

    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<(Task Run, CancellationTokenSource Stop)> _operators = [];
    private readonly List<LoadDriver> _loads = [];
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
    /// <param name="replicas">The Deployment's replicas.</param>
    /// <param name="blocking">Reads on the blocking data path (synchronous Npgsql on request threads).</param>
    /// <param name="maxConnections">The server's max_connections at start.</param>
    /// <param name="poolSize">The Npgsql <c>Maximum Pool Size</c> the pods start with (null: Npgsql's default).</param>
    /// <param name="container">Changes to the Deployment's container (env vars, CPU limit) before it is created.</param>
    /// <param name="server">The API server's options (further tokens, faults); null for the defaults.</param>
    public static async Task<ScenarioStack> StartAsync(
        int replicas, bool blocking, int maxConnections = 100, int? poolSize = null, Action<V1Container>? container = null, KubeApiServerOptions? server = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var postgres = await PostgresServer.StartAsync(maxConnections, cancellationToken: ct);
        var cluster = await KubeTestCluster.StartAsync(server);
        var httpPort = FreePort.Next();
        var kubelet = StandInKubelet.Start(cluster.Server, new KubeletOptions
        {
            Command = [Path.Combine(AppContext.BaseDirectory, "SampleApi")],
            Namespace = cluster.Namespace,
            Postgres = postgres,
            PostgresStatefulSet = Database,
            HttpPort = httpPort,
            MetricsPort = FreePort.Next(),
            FirstAddress = 20 + Random.Shared.Next(200),
            Environment = new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = poolSize is { } pool ? $"{postgres.ConnectionString};Maximum Pool Size={pool}" : postgres.ConnectionString,
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
        var deployment = KubeTestCluster.Deployment(Target, replicas);
        container?.Invoke(deployment.Spec.Template.Spec.Containers[0]);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, cluster.Namespace, cancellationToken: ct);
        await stack.ReadyPodsAsync(replicas);
        return stack;
    }

    /// <summary>The Ready pods of the target, awaited until there are <paramref name="count"/>.</summary>
    public Task<IReadOnlyList<V1Pod>> ReadyPodsAsync(int count, TimeSpan? timeout = null) => ReadyPodsAsync(Target, count, timeout);

    /// <summary>The Ready pods of <paramref name="target"/>, awaited until there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<V1Pod>> ReadyPodsAsync(string target, int count, TimeSpan? timeout = null) =>
        await Eventually.UntilAsync(
            async () => (await Cluster.Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: $"app={target}", cancellationToken: _stop.Token)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList(),
            pods => pods.Count == count,
            timeout ?? TimeSpan.FromSeconds(120),
            $"{count} ready pods of {target} (kubelet: {string.Join("; ", Kubelet.Errors)})");

    /// <summary>
    /// A further target Deployment with its pods, beside <see cref="Target"/>: the same kubelet runs them against the
    /// same PostgreSQL, so two ApiTunings can share one database.
    /// </summary>
    public async Task AddTargetAsync(string target, int replicas)
    {
        await Cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(KubeTestCluster.Deployment(target, replicas), Namespace, cancellationToken: _stop.Token);
        await ReadyPodsAsync(target, replicas);
    }

    /// <summary>Drives load at every ready pod, following them as they change.</summary>
    public async Task StartLoadAsync(int concurrency) => Load = await StartLoadAsync(Target, concurrency);

    /// <summary>Drives load at every ready pod of <paramref name="target"/>, following them as they change.</summary>
    public async Task<LoadDriver> StartLoadAsync(string target, int concurrency)
    {
        var pods = await ReadyPodsAsync(target, (await Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(target, Namespace, cancellationToken: _stop.Token)).Spec.Replicas ?? 1);
        var load = new LoadDriver(Urls(pods), concurrency, ApiKey, SeededUsers);
        _loads.Add(load);
        Cluster.Server.Store.ObjectChanged += change => Retarget(target, load);
        return load;
    }

    /// <summary>Runs the controller (no leader election) with the Kubernetes ports.</summary>
    public ApiTuningController StartOperator(Func<ControllerOptions, ControllerOptions>? configure = null)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var options = new ControllerOptions
        {
            Namespaces = [Namespace],
            Ports = new KubernetesPortOptions { Http = _http, ScrapeTimeout = TimeSpan.FromSeconds(2), DatabaseRestartPoll = TimeSpan.FromMilliseconds(250) },
        };
        options = configure?.Invoke(options) ?? options;
        var controller = new ApiTuningController(Cluster.OperatorClient, options, new OperatorMetrics(), new TestLogger("operator"));
        controller.Reconciled += (key, result) => Results.Enqueue(result);
        Controller = controller;
        _operators.Add((controller.RunAsync(stop.Token), stop));
        return controller;
    }

    /// <summary>
    /// Stops the operator <see cref="StartOperator"/> started last, the way a pod is stopped: no new pass starts, a
    /// pass in flight finishes or is abandoned after the controller's shutdown grace.
    /// </summary>
    public async Task StopOperatorAsync()
    {
        var (run, stop) = _operators[^1];
        await stop.CancelAsync();
        await run;
    }

    /// <summary>Creates the Secret that spec.postgres.adminSecretRef names, holding the server's admin connection string.</summary>
    public async Task CreateAdminSecretAsync(string name = AdminSecret) =>
        await Cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, Annotations = KubeTestCluster.AllowTuning() },
            Data = new Dictionary<string, byte[]> { ["connectionString"] = System.Text.Encoding.UTF8.GetBytes(Postgres.ConnectionString) },
        }, Namespace, cancellationToken: _stop.Token);

    /// <summary>
    /// What the real server reports now: max_connections, superuser_reserved_connections, the client connections of
    /// the APIs and those of the operator's admin port (this query's own is in neither).
    /// </summary>
    public async Task<DatabaseSample> DatabaseSampleAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(Postgres.ConnectionString + ";Pooling=false");
        await connection.OpenAsync(_stop.Token);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
                   count(*) FILTER (WHERE application_name <> 'autotune-operator')::int,
                   count(*) FILTER (WHERE application_name = 'autotune-operator')::int
            FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token);
        await reader.ReadAsync(_stop.Token);
        return new DatabaseSample(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
    }

    /// <summary>The Events regarding an ApiTuning, oldest first.</summary>
    public async Task<IReadOnlyList<Eventsv1Event>> EventsAsync(string name) =>
        (await Cluster.Client.EventsV1.ListNamespacedEventAsync(Namespace, cancellationToken: _stop.Token)).Items
            .Where(e => e.Regarding?.Name == name && e.Regarding.Kind == ApiTuningResource.KindName)
            .OrderBy(e => e.EventTime).ToList();

    /// <summary>The replicas a target Deployment asks for.</summary>
    public async Task<int> ReplicasAsync(string target) =>
        (await Cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(target, Namespace, cancellationToken: _stop.Token)).Spec.Replicas ?? 1;

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

    /// <summary>
    /// Creates the database's StatefulSet (whose pod-template changes restart the local PostgreSQL) and the Secret with
    /// the admin connection string, and returns the spec's <c>postgres</c> member for <see cref="Spec"/>'s extra.
    /// </summary>
    public async Task<string> AddDatabaseAsync(string restart = "Never", int reservedConnections = 2)
    {
        var labels = new Dictionary<string, string> { ["app"] = Database };
        await Cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = Database, Annotations = KubeTestCluster.AllowTuning() },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = Database,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "postgres", Image = "postgres:17" }] } },
            },
        }, Namespace, cancellationToken: _stop.Token);
        await CreateAdminSecretAsync(AdminSecret);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            , "postgres": { "adminSecretRef": { "name": "{{AdminSecret}}", "key": "connectionString" }, "workloadRef": { "kind": "StatefulSet", "name": "{{Database}}" }, "reservedConnections": {{reservedConnections}}, "restart": "{{restart}}" }
            """);
    }

    /// <summary>The notes of the Events (events.k8s.io/v1) with <paramref name="reason"/> about the ApiTuning, oldest first.</summary>
    public async Task<IReadOnlyList<string>> EventNotesAsync(string reason) =>
        (await Cluster.Client.EventsV1.ListNamespacedEventAsync(Namespace, cancellationToken: _stop.Token)).Items
            .Where(e => e.Reason == reason).OrderBy(e => e.EventTime ?? e.Metadata.CreationTimestamp).Select(e => e.Note).ToList();

    /// <summary>
    /// Every tuning file the operator's ConfigMap for ApiTuning <paramref name="name"/> holds from now on, in the
    /// order the API server committed them (one entry per create or update that changed it).
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<TuningFile> TrackTuningFiles(string name)
    {
        var files = new System.Collections.Concurrent.ConcurrentQueue<TuningFile>();
        var configMap = KubernetesNames.TuningConfigMap(name);
        string? last = null;
        Cluster.Server.Store.ObjectChanged += change =>
        {
            if (change.Resource.Plural == "configmaps" && change.Namespace == Namespace && change.Name == configMap && change.Type != "DELETED"
                && (string?)change.Object["data"]?[KubernetesNames.TuningKey] is { } text && text != last && TuningFile.TryParse(text, out var file, out _))
            {
                last = text;
                files.Enqueue(file!);
            }
        };
        return files;
    }

    /// <summary>An ApiTuning spec for the target, with the shortest window the CRD allows.</summary>
    public string Spec(string knobs, string mode = "Auto", string extra = "") => SpecFor(Target, knobs, mode, extra);

    /// <summary>An ApiTuning spec for <paramref name="target"/>, with the shortest window the CRD allows.</summary>
    public string SpecFor(string target, string knobs, string mode = "Auto", string extra = "") => $$"""
        {
          "targetRef": { "name": "{{target}}" },
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
    private void Retarget(string target, LoadDriver load) => _ = Task.Run(() => RetargetAsync(target, load));

    private async Task RetargetAsync(string target, LoadDriver load)
    {
        try
        {
            var pods = (await Cluster.Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: $"app={target}", cancellationToken: _stop.Token)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
            load.Retarget(Urls(pods));
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or k8s.Autorest.HttpOperationException)
        {
            // The stack is stopping.
        }
    }

    /// <summary>One reading of the real server's connections.</summary>
    public sealed record DatabaseSample(int MaxConnections, int SuperuserReserved, int ApiConnections, int AdminConnections);

    public async ValueTask DisposeAsync()
    {
        foreach (var load in _loads)
        {
            await load.DisposeAsync();
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
