using System.Globalization;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Autotune.Operator.Kubernetes;
using k8s;
using k8s.Models;

namespace Autotune.OperatorBench;

/// <summary>The API test server filled with the benchmark's ApiTunings, Deployments and ready pods.</summary>
public static class BenchCluster
{
    /// <summary>The name of the i-th namespace.</summary>
    public static string Namespace(int i) => $"bench-{i:D3}";

    /// <summary>
    /// Starts a server whose namespaces exist from the start. Each of <paramref name="identities"/> is a cluster admin
    /// known by its own token (<see cref="Token"/>), so the request log tells which client made each request.
    /// </summary>
    public static Task<KubeApiServer> StartAsync(BenchOptions options, CancellationToken cancellationToken, params string[] identities)
    {
        ArgumentNullException.ThrowIfNull(options);
        var serverOptions = new KubeApiServerOptions
        {
            RetainedChanges = 200_000,
            Namespaces = ["default", .. Enumerable.Range(0, options.Namespaces).Select(Namespace)],
        };
        foreach (var identity in identities)
        {
            serverOptions.Tokens[Token(identity)] = KubeUser.Admin(identity);
        }

        return KubeApiServer.StartAsync(serverOptions, cancellationToken);
    }

    /// <summary>The bearer token of an identity registered by <see cref="StartAsync"/>.</summary>
    public static string Token(string identity) => $"bench-token-{identity}";

    /// <summary>
    /// True when the i-th ApiTuning is one of those whose pods ask for changes (<see cref="BenchOptions.ChangingEvery"/>;
    /// every one at the middle of its stride, so none of them is among the soak's hung ones, every twentieth from the first).
    /// </summary>
    public static bool Changing(int i, BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.ChangingEvery > 0 && i % options.ChangingEvery == options.ChangingEvery / 2;
    }

    /// <summary>
    /// Installs the CRD and creates every ApiTuning with its Deployment and ready pods, through the API. With
    /// <paramref name="starving"/>, the ApiTunings that ask for changes (<see cref="Changing"/>) scrape their pods there
    /// and may move minimum threads.
    /// </summary>
    public static async Task FillAsync(IKubernetes client, BenchOptions options, int metricsPort, CancellationToken cancellationToken, StarvingPods? starving = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(Path.Combine(AppContext.BaseDirectory, "crds", "apituning.yaml"));
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Tunings), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var ns = Namespace(i % options.Namespaces);
            var name = string.Create(CultureInfo.InvariantCulture, $"api-{i:D4}");
            await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(name, options.PodsPerTuning), ns, cancellationToken: ct);
            for (var p = 0; p < options.PodsPerTuning; p++)
            {
                await CreateReadyPodAsync(client, ns, $"{name}-{p}", name, ct);
            }

            var spec = Spec(name, options, metricsPort);
            if (starving is not null && Changing(i, options))
            {
                starving.Add(ns, name);
                spec = ChangingSpec(spec, ns, name, options);
            }

            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                new ApiTuningResource { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Spec = spec },
                ApiTuningResource.Group, ApiTuningResource.Version, ns, ApiTuningResource.Plural, cancellationToken: ct);
        });
    }

    private static Engine.Resource.Spec.ApiTuningSpec Spec(string target, BenchOptions options, int metricsPort) => new()
    {
        TargetRef = new Engine.Resource.Spec.TargetRef { Name = target },
        Objectives = new Engine.Resource.Spec.Objectives { P99LatencyMs = 250 },
        Metrics = new Engine.Resource.Spec.MetricsSpec
        {
            Window = $"{options.WindowSeconds}s",
            ScrapesPerWindow = options.ScrapesPerWindow,
            Port = metricsPort,
            Path = "/metrics",
        },
    };

    /// <summary>
    /// The spec of an ApiTuning whose pods ask for changes: its own metrics path, minimum threads tuned from 8 up to the
    /// runtime's 32,767, a cooldown of one window (so a change every few windows) and no giving back within the run.
    /// </summary>
    private static Engine.Resource.Spec.ApiTuningSpec ChangingSpec(Engine.Resource.Spec.ApiTuningSpec spec, string ns, string name, BenchOptions options) => spec with
    {
        Metrics = spec.Metrics with { Path = StarvingPods.PathOf(ns, name) },
        Knobs = new Engine.Resource.Spec.KnobsSpec { ThreadPoolMinThreads = new Engine.Resource.Spec.KnobBudget { Min = StarvingPods.InitialMinThreads, Max = 32_767 } },
        Behavior = new Engine.Resource.Spec.BehaviorSpec { CooldownSeconds = options.WindowSeconds, ScaleInStabilizationSeconds = 3600 },
    };

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        // The ApiTuning of the same name may tune it (docs/security.md).
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name }, Annotations = new Dictionary<string, string> { [KubernetesNames.AllowTuning] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "sample-api:bench" }] },
            },
        },
    };

    private static async Task CreateReadyPodAsync(IKubernetes client, string ns, string name, string app, CancellationToken cancellationToken)
    {
        await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "sample-api:bench" }] },
        }, ns, cancellationToken: cancellationToken);
        var status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = "127.0.0.1",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
        };
        await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(new { status }), V1Patch.PatchType.MergePatch), name, ns, cancellationToken: cancellationToken);
    }
}
