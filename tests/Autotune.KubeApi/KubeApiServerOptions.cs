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

    /// <summary>When set, every request is authorised against these RBAC grants first, and a refused one answers 403 Forbidden.</summary>
    public RbacAuthorizer? Authorizer { get; set; }
}
