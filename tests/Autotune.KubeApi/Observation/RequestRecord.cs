using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Http;

namespace Autotune.KubeApi.Observation;

/// <summary>
/// One request the server answered: method, path, query, the Kubernetes verb it was, status and timing, and the user
/// it was made as (<see cref="KubeUser.Anonymous"/> without credentials, null when its token was refused).
/// </summary>
public sealed record RequestRecord(string Method, string Path, string Query, string Verb, int Status, DateTimeOffset Time, TimeSpan Duration, string? User = null)
{
    /// <summary>What the request asked to do in RBAC's terms, or null for a path that names no resource (discovery).</summary>
    public AccessRequest? Access => RequestTarget.Parse(Path) is { } target
        ? new AccessRequest(Verb, target.Group, target.Plural, target.Subresource, target.Namespace, target.Name)
        : null;
}
