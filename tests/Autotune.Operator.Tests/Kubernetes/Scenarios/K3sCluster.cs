using System.ComponentModel;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Authorization;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Tests.Kubernetes.Controller;
using DotNet.Testcontainers.Builders;
using k8s;
using k8s.Models;
using Testcontainers.K3s;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Scenarios;

/// <summary>
/// One K3s cluster for a test class (an xunit class fixture): a K3s node in a container (Testcontainers.K3s), the
/// operator and sample API images built from their Dockerfiles and loaded into the node, and charts/autotune installed
/// with the real helm into a namespace that enforces the restricted pod security standard. Where no Docker engine is
/// reachable (or no helm can be found), nothing is started and <see cref="RequireCluster"/> skips each test with the
/// reason, at no cost.
/// </summary>
public sealed class K3sCluster : IAsyncLifetime
{
    private const string NodeImage = "rancher/k3s:v1.31.2-k3s1";

    /// <summary>Bounds the whole setup: two image builds (restores included), the node, the operator's install.</summary>
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(30);

    private K3sContainer? _node;
    private k8s.Kubernetes? _client;
    private string? _kubeconfig;

    /// <summary>Why the cluster did not start (no Docker engine, no helm), or null when it runs.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>A cluster admin (K3s's own kubeconfig).</summary>
    public k8s.Kubernetes Client => _client ?? throw new InvalidOperationException("the K3s cluster is not running: " + SkipReason);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Skips the calling test, with the reason, when the cluster could not start here.</summary>
    public void RequireCluster()
    {
        if (SkipReason is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    public async ValueTask InitializeAsync()
    {
        using var setup = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        setup.CancelAfter(SetupTimeout);
        try
        {
            // Building the container finds the Docker endpoint, and fails at once when there is none.
            _node = new K3sBuilder(NodeImage).Build();
        }
        catch (DockerUnavailableException ex)
        {
            SkipReason = $"No Docker engine is reachable here ({ex.GetType().Name}: {ex.Message}); the K3s scenarios need one";
            return;
        }

        try
        {
            await Helm.LocateAsync(setup.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or HttpRequestException or IOException)
        {
            SkipReason = $"helm 3 is not on PATH nor in .tools/bin and could not be installed (run scripts/setup.sh): {e.Message}";
            return;
        }

        try
        {
            await Task.WhenAll(
                _node.StartAsync(setup.Token),
                K3sImages.BuildAsync(K3sInstall.Operator, setup.Token),
                K3sImages.BuildAsync(K3sInstall.SampleApi, setup.Token));
        }
        catch (DockerUnavailableException ex)
        {
            SkipReason = $"The Docker engine did not answer ({ex.GetType().Name}: {ex.Message}); the K3s scenarios need one";
            return;
        }

        await K3sImages.LoadAsync(_node, [K3sInstall.Operator, K3sInstall.SampleApi], setup.Token);
        var kubeconfig = await _node.GetKubeconfigAsync();
        _kubeconfig = Path.Combine(Path.GetTempPath(), $"autotune-k3s-{Guid.NewGuid():N}.kubeconfig");
        await File.WriteAllTextAsync(_kubeconfig, kubeconfig, setup.Token);
        if (!OperatingSystem.IsWindows())
        {
            // It holds the cluster admin's client key: helm wants it readable by its owner only.
            File.SetUnixFileMode(_kubeconfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig)))
        {
            _client = new k8s.Kubernetes(await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream));
        }

        await Eventually.UntilAsync(
            async () => (await _client.CoreV1.ListNodeAsync(cancellationToken: setup.Token)).Items.Any(n => n.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
            ready => ready, TimeSpan.FromMinutes(3), "the K3s node Ready");

        await CreateNamespaceAsync(K3sInstall.OperatorNamespace, exactName: true);
        await HelmInstallAsync(K3sInstall.OperatorRelease, "charts/autotune", K3sInstall.OperatorNamespace, K3sInstall.OperatorValues, TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// Creates a namespace that enforces the restricted pod security standard, named <paramref name="name"/> plus a
    /// random suffix unless <paramref name="exactName"/>, and waits for its default ServiceAccount.
    /// </summary>
    public async Task<string> CreateNamespaceAsync(string name, bool exactName = false)
    {
        var @namespace = exactName ? name : $"{name}-{Guid.NewGuid().ToString("N")[..6]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = @namespace, Labels = new Dictionary<string, string>(K3sInstall.RestrictedNamespaceLabels) },
        }, cancellationToken: Ct);
        await Eventually.UntilAsync(
            async () => (await Client.CoreV1.ListNamespacedServiceAccountAsync(@namespace, cancellationToken: Ct)).Items.Any(s => s.Metadata.Name == "default"),
            found => found, TimeSpan.FromMinutes(1), $"the default ServiceAccount of {@namespace}");
        return @namespace;
    }

    /// <summary>Deletes a test's namespace (its pods, PostgreSQL volume included), so that the next test's stack fits on the node.</summary>
    public Task DeleteNamespaceAsync(string @namespace) =>
        Client.CoreV1.DeleteNamespaceAsync(@namespace, cancellationToken: Ct);

    /// <summary>helm install of a chart of this repository, waiting until its workloads are ready; fails with what the pods say.</summary>
    public async Task HelmInstallAsync(string release, string chart, string @namespace, IEnumerable<string> values, TimeSpan timeout)
    {
        List<string> args =
        [
            "install", release, Path.Combine(Helm.RepoRoot, chart), "--namespace", @namespace,
            "--kubeconfig", _kubeconfig ?? throw new InvalidOperationException("the K3s cluster is not running"),
            "--wait", "--timeout", $"{(int)timeout.TotalSeconds}s",
        ];
        foreach (var value in values)
        {
            args.AddRange(["--set", value]);
        }

        var result = await Helm.RunAsync(args, Ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"helm install {release} {chart} failed ({result.ExitCode}): {result.Error}\n{await DescribeAsync(@namespace)}");
        }
    }

    /// <summary>The running, ready pods matching <paramref name="selector"/>, awaited until there are <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<V1Pod>> ReadyPodsAsync(string @namespace, string selector, int count, TimeSpan timeout) =>
        await Eventually.UntilAsync(
            async () => (await Client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: selector, cancellationToken: Ct)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true).ToList(),
            pods => pods.Count == count,
            timeout,
            $"{count} ready pods {selector} in {@namespace}");

    /// <summary>
    /// GET through the API server's proxy (a path under /api/v1/namespaces/.../proxy/), with extra headers, over the
    /// client's own connection (its TLS and client certificate); one request may take 30 seconds.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> ProxyGetAsync(string path, IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Client.BaseUri, path));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        if (Client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, timeout.Token);
        }

        using var response = await Client.HttpClient.SendAsync(request, timeout.Token);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(timeout.Token));
    }

    /// <summary>Creates an ApiTuning with the spec given as JSON, as kubectl apply would send it.</summary>
    public async Task CreateApiTuningAsync(string @namespace, string name, string specJson)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = ApiTuningResource.GroupVersion,
            ["kind"] = ApiTuningResource.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
            ["spec"] = JsonNode.Parse(specJson),
        };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonDocument.Parse(body.ToJsonString()).RootElement, ApiTuningResource.Group, ApiTuningResource.Version, @namespace, ApiTuningResource.Plural, cancellationToken: Ct);
    }

    /// <summary>The ApiTuning as the cluster holds it, awaited until <paramref name="done"/> holds.</summary>
    public async Task<ApiTuningResource> ApiTuningAsync(string @namespace, string name, Func<ApiTuningResource, bool> done, string what, TimeSpan timeout) =>
        await Eventually.UntilAsync(
            () => Client.CustomObjects.GetNamespacedCustomObjectAsync<ApiTuningResource>(ApiTuningResource.Group, ApiTuningResource.Version, @namespace, ApiTuningResource.Plural, name, Ct),
            done,
            timeout,
            what);

    /// <summary>What the pods of a namespace are doing and the warnings about them: for the message of a failed install.</summary>
    public async Task<string> DescribeAsync(string @namespace)
    {
        var text = new StringBuilder($"pods in {@namespace}:");
        foreach (var pod in (await Client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: Ct)).Items)
        {
            text.Append($"\n  {pod.Metadata.Name}: {pod.Status?.Phase}");
            foreach (var container in pod.Status?.ContainerStatuses ?? [])
            {
                var state = container.State?.Waiting is { } waiting ? $"waiting {waiting.Reason}: {waiting.Message}"
                    : container.State?.Terminated is { } terminated ? $"terminated {terminated.Reason} ({terminated.ExitCode})"
                    : "running";
                text.Append($"; {container.Name} {state}, ready {container.Ready}, restarts {container.RestartCount}");
            }
        }

        text.Append("\nwarnings:");
        foreach (var warning in (await Client.CoreV1.ListNamespacedEventAsync(@namespace, cancellationToken: Ct)).Items.Where(e => e.Type == "Warning").TakeLast(20))
        {
            text.Append($"\n  {warning.InvolvedObject?.Kind}/{warning.InvolvedObject?.Name} {warning.Reason}: {warning.Message}");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_kubeconfig is not null)
        {
            File.Delete(_kubeconfig);
        }
    }
}
