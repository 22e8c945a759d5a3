using System.Globalization;
using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Kubelet;

/// <summary>
/// How a pod's first container is started: the program, its environment and the URL that says it is Ready. A
/// container whose image <see cref="KubeletOptions.Images"/> maps runs that program with the container's args, the
/// env vars the container declares (literal, and the downward API's pod name, namespace and IP), the ServiceAccount's
/// credentials as a kubeconfig (at $HOME/.kube/config, HOME being the pod's directory, and in KUBECONFIG) when <see cref="KubeletOptions.ServiceAccountTokens"/> has a token for it, and is Ready
/// when its readiness probe's HTTP path answers; any other runs <see cref="KubeletOptions.Command"/> as the sample API.
/// </summary>
internal sealed record ContainerLaunch(IReadOnlyList<string> Command, Dictionary<string, string> Environment, Uri ReadinessUrl, bool Mapped)
{
    public static ContainerLaunch For(KubeletOptions options, string serverUrl, PodProcess pod, JsonObject podSpec, JsonObject container)
    {
        var image = (string?)container["image"] ?? string.Empty;
        var tag = image.LastIndexOf(':');
        var repository = tag > image.LastIndexOf('/') ? image[..tag] : image;
        if (!options.Images.TryGetValue(repository, out var program))
        {
            return new ContainerLaunch(
                options.Command,
                new Dictionary<string, string>(options.Environment, StringComparer.Ordinal),
                new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{pod.Address}:{options.MetricsPort}/metrics")),
                Mapped: false);
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in container["env"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if ((string?)env["name"] is not { } name)
            {
                continue;
            }

            var value = (string?)env["value"] ?? (string?)env["valueFrom"]?["fieldRef"]?["fieldPath"] switch
            {
                "metadata.name" => pod.Name,
                "metadata.namespace" => pod.Namespace,
                "status.podIP" => pod.Address,
                _ => null,
            };
            if (value is not null)
            {
                environment[name] = value;
            }
        }

        var serviceAccount = (string?)podSpec["serviceAccountName"] ?? "default";
        if (options.ServiceAccountTokens.TryGetValue($"{pod.Namespace}/{serviceAccount}", out var token))
        {
            // Where clients look by default ($HOME/.kube/config) and where KUBECONFIG points: the pod's own directory.
            var kubeconfig = Path.Combine(Directory.CreateDirectory(Path.Combine(pod.Directory, ".kube")).FullName, "config");
            File.WriteAllText(kubeconfig, $$$"""
                apiVersion: v1
                kind: Config
                clusters: [{name: cluster, cluster: {server: "{{{serverUrl}}}"}}]
                users: [{name: {{{serviceAccount}}}, user: {token: "{{{token}}}"}}]
                contexts: [{name: pod, context: {cluster: cluster, user: {{{serviceAccount}}}, namespace: "{{{pod.Namespace}}}"}}]
                current-context: pod
                """);
            environment["KUBECONFIG"] = kubeconfig;
            environment["HOME"] = pod.Directory;
        }

        var args = container["args"]?.AsArray().Select(a => (string?)a ?? string.Empty) ?? [];
        return new ContainerLaunch([.. program, .. args], environment, ProbeUrl(pod, container), Mapped: true);
    }

    private static Uri ProbeUrl(PodProcess pod, JsonObject container)
    {
        var probe = container["readinessProbe"]?["httpGet"] ?? throw new InvalidOperationException($"pod {pod.Name}: a mapped image needs an httpGet readiness probe");
        var port = probe["port"] is JsonValue value && value.TryGetValue<int>(out var number)
            ? number
            : (int?)container["ports"]?.AsArray().FirstOrDefault(p => (string?)p?["name"] == (string?)probe["port"])?["containerPort"]
                ?? throw new InvalidOperationException($"pod {pod.Name}: readiness probe port {probe["port"]} is not a container port");
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{pod.Address}:{port}{(string?)probe["path"] ?? "/"}"));
    }
}
