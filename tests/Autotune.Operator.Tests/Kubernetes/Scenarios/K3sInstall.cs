namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>An image the K3s suite builds: its Dockerfile (relative to the build context, the repository root) and its name.</summary>
internal sealed record K3sImage(string Dockerfile, string Repository)
{
    /// <summary>The name the image is built, loaded into the K3s node and installed under.</summary>
    public string Name => $"{Repository}:{K3sInstall.Tag}";
}

/// <summary>
/// What the K3s suite builds and how it installs the charts, in one place: K3sScenarioTests uses it on
/// a cluster, and the chart checks that need no Docker (tests/Autotune.Charts.Tests, which compiles this file too)
/// render the charts with exactly these values and check the names and settings the K3s tests rely on.
/// </summary>
internal static class K3sInstall
{
    /// <summary>The tag of both images; never pulled (pullPolicy Never), so the node runs what the suite loaded.</summary>
    public const string Tag = "k3s-test";

    /// <summary>The build context of both images (relative to the repository root): the root, with its .dockerignore.</summary>
    public const string BuildContext = ".";

    public const string OperatorNamespace = "autotune-system";
    public const string OperatorRelease = "autotune";

    /// <summary>The operator's Deployment and ServiceAccount: the chart's fullname, the release name, which holds the chart name.</summary>
    public const string OperatorName = "autotune";

    /// <summary>Selects the operator's pods (the chart's selector labels for the release).</summary>
    public const string OperatorSelector = "app.kubernetes.io/name=autotune,app.kubernetes.io/instance=autotune";

    /// <summary>The operator's /healthz, /readyz and /metrics port (the chart's healthPort default).</summary>
    public const int OperatorHealthPort = 8081;

    /// <summary>The app user of the .NET images (APP_UID), which both charts run as.</summary>
    public const long AppUid = 1654;

    /// <summary>The sample API's key, set at install so that the tests can send it.</summary>
    public const string ApiKey = "k3s-scenario-key";

    public const int ApiReplicas = 2;

    /// <summary>The agent's metrics port (the sample stack's api.metricsPort default).</summary>
    public const int MetricsPort = 9464;

    /// <summary>max_connections PostgreSQL starts with (the sample stack's postgres.maxConnections default).</summary>
    public const int MaxConnections = 100;

    /// <summary>The pod security standard the test namespaces enforce: the API server itself refuses any pod that breaks it.</summary>
    public static IReadOnlyDictionary<string, string> RestrictedNamespaceLabels { get; } = new Dictionary<string, string>
    {
        ["pod-security.kubernetes.io/enforce"] = "restricted",
        ["pod-security.kubernetes.io/enforce-version"] = "latest",
    };

    public static K3sImage Operator { get; } = new("operator/Dockerfile", "autotune-operator");

    public static K3sImage SampleApi { get; } = new("sample-api/Dockerfile", "autotune-sample-api");

    /// <summary>--set values of charts/autotune: the built image, never pulled.</summary>
    public static IReadOnlyList<string> OperatorValues { get; } =
        [$"image.repository={Operator.Repository}", $"image.tag={Tag}", "image.pullPolicy=Never"];

    /// <summary>
    /// --set values of charts/sample-stack: the built image, never pulled, a known API key, and smaller CPU requests so
    /// that a stack fits beside the operator on a small machine. With <paramref name="apiTuning"/> the chart renders
    /// its own ApiTuning in <paramref name="mode"/>.
    /// </summary>
    public static IReadOnlyList<string> SampleStackValues(bool apiTuning, string mode = "Recommend") =>
    [
        $"api.image.repository={SampleApi.Repository}", $"api.image.tag={Tag}", "api.image.pullPolicy=Never",
        $"api.apiKey={ApiKey}", $"api.replicas={ApiReplicas}",
        "api.resources.requests.cpu=100m", "postgres.resources.requests.cpu=100m", "redis.resources.requests.cpu=20m",
        $"apiTuning.create={(apiTuning ? "true" : "false")}", $"apiTuning.mode={mode}",
    ];

    /// <summary>An ApiTuning spec the CRD's schema refuses (422 naming spec.mode).</summary>
    public const string SchemaInvalidSpec = """
        { "targetRef": { "name": "orders-api" }, "mode": "Sometimes", "objectives": { "p99LatencyMs": 250 } }
        """;

    /// <summary>An ApiTuning spec the schema admits and the operator refuses (InvalidSpec naming spec.metrics.prometheus.url).</summary>
    public const string OperatorInvalidSpec = """
        { "targetRef": { "name": "orders-api" }, "objectives": { "p99LatencyMs": 250 },
          "metrics": { "source": "Prometheus", "prometheus": { "url": "http://[::1" } } }
        """;

    /// <summary>The HPA scenario's ApiTuning of the sample API <paramref name="api"/>: replicas and minimum threads, the shortest window.</summary>
    public static string HpaScenarioSpec(string api) => $$"""
        {
          "targetRef": { "kind": "Deployment", "name": "{{api}}" },
          "mode": "Auto",
          "objectives": { "p99LatencyMs": 100 },
          "metrics": { "source": "Pods", "port": {{MetricsPort}}, "path": "/metrics", "window": "10s", "scrapesPerWindow": 5 },
          "knobs": { "replicas": { "min": 1, "max": 6, "mode": "Auto" }, "threadPoolMinThreads": { "min": 8, "max": 256, "mode": "Auto" } },
          "apply": { "method": "HotReload", "maxSurge": 1 }
        }
        """;

    /// <summary>The sample API's Deployment (and Service, and the chart's ApiTuning) of a sample-stack release.</summary>
    public static string Api(string release) => $"{release}-sample-stack-api";

    /// <summary>The PostgreSQL StatefulSet (and Service) of a sample-stack release.</summary>
    public static string Postgres(string release) => $"{release}-sample-stack-postgres";
}
