using Autotune.Testing;

namespace Autotune.KubeApi.Kubelet;

/// <summary>What the stand-in kubelet runs for each pod and how it behaves.</summary>
public sealed record KubeletOptions
{
    /// <summary>The program (and its arguments) every pod runs, e.g. the sample API's binary.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>
    /// Images (repository, without the tag) whose containers run a local program instead of <see cref="Command"/>: the
    /// program, then the container's args, with only the container's own env vars (see <see cref="ContainerLaunch"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Images { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Bearer tokens of ServiceAccounts ("namespace/name"), given to the pods of mapped images that run as them, as a kubeconfig.</summary>
    public IReadOnlyDictionary<string, string> ServiceAccountTokens { get; init; } = new Dictionary<string, string>();

    /// <summary>Environment every pod process gets before its container's own env vars (connection strings, …).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The namespace whose Deployments get pods (null: every namespace).</summary>
    public string? Namespace { get; init; }

    /// <summary>Port the app serves HTTP on, at its pod IP (ASPNETCORE_URLS).</summary>
    public int HttpPort { get; init; } = 8080;

    /// <summary>Port of the agent's metrics listener, at its pod IP; the pod is Ready once it answers.</summary>
    public int MetricsPort { get; init; } = 9464;

    /// <summary>The last octet of the first pod IP (127.0.0.N); each pod gets the lowest free one from here.</summary>
    public int FirstAddress { get; init; } = 11;

    /// <summary>How long after a ConfigMap changes its mounted files change (the real kubelet takes up to about a minute).</summary>
    public TimeSpan VolumeUpdateDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a pod process may take to answer its metrics endpoint.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a stopping pod process gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The local PostgreSQL that stands in for the database StatefulSet.</summary>
    public PostgresServer? Postgres { get; init; }

    /// <summary>The StatefulSet whose pod-template changes restart <see cref="Postgres"/>.</summary>
    public string? PostgresStatefulSet { get; init; }
}
