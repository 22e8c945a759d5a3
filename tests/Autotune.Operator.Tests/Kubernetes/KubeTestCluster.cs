using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.Engine.Resource.Spec;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Tests.Kubernetes.Access;
using k8s;
using k8s.Models;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes;

/// <summary>
/// A fresh in-process Kubernetes API server with the ApiTuning CRD and a namespace, and two clients with their own
/// bearer tokens: <see cref="Client"/>, a cluster admin for the test's own setup and reads, and
/// <see cref="OperatorClient"/>, the operator's ServiceAccount, allowed only what the RBAC rendered from
/// charts/autotune grants it (a refusal answers 403 Forbidden as kube-apiserver does). Requests without a token are
/// refused. Operator code under test takes <see cref="OperatorClient"/>; what it requested is recorded in
/// <see cref="OperatorAccessLedger"/> when the cluster is disposed, which fails the test if any of it was refused.
/// </summary>
internal sealed class KubeTestCluster : IAsyncDisposable
{
    private KubeTestCluster(KubeApiServer server, k8s.Kubernetes client, k8s.Kubernetes operatorClient, RbacAuthorizer operatorAuthorizer)
    {
        Server = server;
        Client = client;
        OperatorClient = operatorClient;
        OperatorAuthorizer = operatorAuthorizer;
    }

    public KubeApiServer Server { get; }

    /// <summary>A cluster admin (system:masters): the test's own setup, changes and reads.</summary>
    public k8s.Kubernetes Client { get; }

    /// <summary>The operator's ServiceAccount (<see cref="OperatorRbac.User"/>), authorised only by the chart's RBAC.</summary>
    public k8s.Kubernetes OperatorClient { get; }

    /// <summary>What decides the operator's requests: the chart's grants, and what was refused.</summary>
    public RbacAuthorizer OperatorAuthorizer { get; }

    private string _adminToken = string.Empty;

    public string Namespace { get; } = "shop-" + Guid.NewGuid().ToString("N")[..6];

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A kubeconfig for the real kubectl and helm, as the admin, in <see cref="Namespace"/>.</summary>
    public Autotune.KubeApi.Cli.KubeConfigFile AdminKubeConfig() => Autotune.KubeApi.Cli.KubeConfigFile.For(Server.Url, _adminToken, Namespace);

    /// <summary>
    /// Deletes a pod as the admin. The API server answers a delete with a Status, which KubernetesClient's typed
    /// delete cannot read as the pod it expects, so the request is sent directly.
    /// </summary>
    public async Task DeletePodAsync(string name)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri($"{Server.Url}/api/v1/namespaces/{Namespace}/pods/{name}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _adminToken);
        using var response = await http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// GETs <paramref name="path"/> as the admin asking for a meta.k8s.io/v1 Table, as kubectl get does, and returns
    /// the column names and the cells of each row.
    /// </summary>
    public async Task<(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)> GetTableAsync(string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{Server.Url}{path}"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _adminToken);
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        using var response = await http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        var columns = table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!).ToList();
        var rows = table["rows"]!.AsArray().Select(r => (IReadOnlyList<string>)[.. r!["cells"]!.AsArray().Select(c => c?.ToJsonString().Trim('"') ?? string.Empty)]).ToList();
        return (columns, rows);
    }

    /// <summary>Installs KEDA's ScaledObject CRD (schema left open), as a cluster with KEDA has it.</summary>
    public Task InstallKedaCrdAsync() =>
        Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: scaledobjects.keda.sh
            spec:
              group: keda.sh
              names: { kind: ScaledObject, listKind: ScaledObjectList, plural: scaledobjects, singular: scaledobject }
              scope: Namespaced
              versions:
                - name: v1alpha1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          x-kubernetes-preserve-unknown-fields: true
            """), cancellationToken: Ct);

    public static async Task<KubeTestCluster> StartAsync(KubeApiServerOptions? options = null, bool installCrd = true)
    {
        options ??= new KubeApiServerOptions();
        var operatorAuthorizer = await OperatorRbac.AuthorizerAsync();
        var adminToken = Guid.NewGuid().ToString("N");
        var operatorToken = Guid.NewGuid().ToString("N");
        options.Tokens[adminToken] = KubeUser.Admin();
        options.Tokens[operatorToken] = KubeUser.Of(operatorAuthorizer);
        options.Authorizer ??= new RbacAuthorizer(KubeUser.Anonymous, []);
        var server = await KubeApiServer.StartAsync(options, Ct);
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url, AccessToken = adminToken });
        var operatorClient = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url, AccessToken = operatorToken });
        var cluster = new KubeTestCluster(server, client, operatorClient, operatorAuthorizer) { _adminToken = adminToken };
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = cluster.Namespace } }, cancellationToken: Ct);
        if (installCrd)
        {
            foreach (var file in new[] { "apituning.yaml", "databasebudget.yaml" })
            {
                var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(RepoPath("crds", file));
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: Ct);
            }
        }

        return cluster;
    }

    public static string RepoPath(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Autotune.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine([dir?.FullName ?? throw new DirectoryNotFoundException("Autotune.sln not found"), .. parts]);
    }

    public static ApiTuningSpec Spec(string target = "orders-api", Func<ApiTuningSpec, ApiTuningSpec>? change = null)
    {
        var spec = new ApiTuningSpec
        {
            TargetRef = new TargetRef { Name = target },
            Objectives = new Objectives { P99LatencyMs = 250 },
        };
        return change is null ? spec : change(spec);
    }

    /// <summary>Creates an ApiTuning through the API (validated against the CRD) and returns it as the server holds it.</summary>
    public Task<ApiTuningResource> CreateApiTuningAsync(string name, ApiTuningSpec spec) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync<ApiTuningResource>(
            new ApiTuningResource { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace }, Spec = spec },
            ApiTuningResource.Group, ApiTuningResource.Version, Namespace, ApiTuningResource.Plural, cancellationToken: Ct);

    /// <summary>Creates an ApiTuning named <paramref name="name"/> with the spec given as JSON, as kubectl apply would send it.</summary>
    public async Task<ApiTuningResource> ApplyAsync(string name, string specJson)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = ApiTuningResource.GroupVersion,
            ["kind"] = ApiTuningResource.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = JsonNode.Parse(specJson),
        };
        var created = await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonDocument.Parse(body.ToJsonString()).RootElement, ApiTuningResource.Group, ApiTuningResource.Version, Namespace, ApiTuningResource.Plural, cancellationToken: Ct);
        return KubernetesJson.Deserialize<ApiTuningResource>(KubernetesJson.Serialize(created));
    }

    /// <summary>Reads an ApiTuning as the server holds it.</summary>
    public Task<ApiTuningResource> GetApiTuningAsync(string name) =>
        Client.CustomObjects.GetNamespacedCustomObjectAsync<ApiTuningResource>(ApiTuningResource.Group, ApiTuningResource.Version, Namespace, ApiTuningResource.Plural, name, Ct);

    public Task<V1Deployment> CreateDeploymentAsync(string name, int replicas = 2) =>
        Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment(name, replicas), Namespace, cancellationToken: Ct);

    /// <summary>The ApiTunings the tests' objects opt in to: those the tests create (docs/security.md).</summary>
    public const string TestTunings = "orders,billing";

    /// <summary>
    /// The opt-in annotation (<see cref="KubernetesNames.AllowTuning"/>) that lets the ApiTunings in
    /// <paramref name="apiTunings"/> use an object, as a user adds it to their target, admin Secret and database workload.
    /// </summary>
    public static Dictionary<string, string> AllowTuning(string apiTunings = TestTunings) => new() { [KubernetesNames.AllowTuning] = apiTunings };

    /// <summary>A Deployment opted in to <paramref name="allowTuning"/> (none when null).</summary>
    public static V1Deployment Deployment(string name, int replicas, string? allowTuning = TestTunings) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name }, Annotations = allowTuning is null ? null : AllowTuning(allowTuning) },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "api", Image = "orders:1" }] },
            },
        },
    };

    /// <summary>Creates a pod with the given labels and, when <paramref name="ip"/> is set, a status (Running, Ready or not).</summary>
    public async Task CreatePodAsync(string name, string app, string? ip, bool ready, string? cpuLimit = null)
    {
        var container = new V1Container { Name = "api", Image = "orders:1" };
        if (cpuLimit is not null)
        {
            container.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpuLimit) } };
        }

        await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } },
            Spec = new V1PodSpec { Containers = [container] },
        }, Namespace, cancellationToken: Ct);
        if (ip is null)
        {
            return;
        }

        var status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        };
        await Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(KubernetesJson.Serialize(new { status }), V1Patch.PatchType.MergePatch), name, Namespace, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        OperatorClient.Dispose();
        await Server.DisposeAsync();
        var refused = OperatorAuthorizer.Denied;
        OperatorAccessLedger.Record(TestContext.Current, Server.Requests.By(OperatorAuthorizer.User), refused);
        if (refused.Count > 0)
        {
            var messages = refused.GroupBy(r => OperatorAuthorizer.Forbidden(r).Message).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ({g.Count()} times)");
            Assert.Fail($"The operator was refused what the chart does not grant it: {string.Join("; ", messages)}. "
                + "Add the rule to operator/Autotune.Operator/Kubernetes/kubernetes-access.yaml and its copy charts/autotune/files/kubernetes-access.yaml.");
        }
    }
}
