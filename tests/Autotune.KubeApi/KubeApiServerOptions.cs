using System.Collections.Concurrent;
using Autotune.KubeApi.Authorization;

namespace Autotune.KubeApi;

/// <summary>Settings of a <see cref="KubeApiServer"/>.</summary>
public sealed class KubeApiServerOptions
{
    /// <summary>How many changes are kept for watches; a watch from a resourceVersion before them answers 410. Also settable later on the store.</summary>
    public int RetainedChanges { get; set; } = 10_000;

    /// <summary>How often a watch that asked for bookmarks gets one while nothing else is sent.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Namespaces that exist from the start.</summary>
    public IReadOnlyList<string> Namespaces { get; set; } = ["default", "kube-system"];

    /// <summary>
    /// When set, every request that carries no bearer token is authorised against these RBAC grants first (as the
    /// authoriser's user), and a refused one answers 403 Forbidden. Requests with a token are decided by <see cref="Tokens"/>.
    /// </summary>
    public RbacAuthorizer? Authorizer { get; set; }

    /// <summary>
    /// Bearer tokens the server accepts (<c>Authorization: Bearer &lt;token&gt;</c>, KubernetesClientConfiguration.AccessToken)
    /// and the user each one authenticates: requests with a known token are authorised as that user, a token not
    /// listed answers 401 Unauthorized. May be changed while the server runs.
    /// </summary>
    public IDictionary<string, KubeUser> Tokens { get; } = new ConcurrentDictionary<string, KubeUser>(StringComparer.Ordinal);
}
