using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Http;
using Autotune.KubeApi.Observation;

namespace Autotune.KubeApi.Authorization;

/// <summary>
/// Authorises requests as RBAC does for one user: a request is allowed when some grant's rule covers its verb,
/// group, resource (with subresource) and name, and the grant is cluster-wide or bound in the request's namespace;
/// otherwise it is answered 403 Forbidden with the API server's message. Discovery is allowed to everyone, as the
/// system:discovery role does. Records what was used and what was refused, so a test can check the grants are
/// exactly what the requests needed.
/// </summary>
public sealed class RbacAuthorizer
{
    private readonly ConcurrentDictionary<(RbacGrant Grant, Permission Permission), bool> _used = new();
    private readonly ConcurrentQueue<AccessRequest> _denied = new();

    /// <summary>An authoriser of <paramref name="user"/> holding <paramref name="grants"/>.</summary>
    public RbacAuthorizer(string user, IEnumerable<RbacGrant> grants)
    {
        User = user;
        Grants = [.. grants];
    }

    /// <summary>The user requests are made as, e.g. system:serviceaccount:autotune-system:autotune.</summary>
    public string User { get; }

    /// <summary>What the user may do.</summary>
    public IReadOnlyList<RbacGrant> Grants { get; }

    /// <summary>Requests refused so far.</summary>
    public IReadOnlyList<AccessRequest> Denied => [.. _denied];

    /// <summary>
    /// The authoriser of a ServiceAccount from rendered manifests (helm template output): the rules of every Role and
    /// ClusterRole that a RoleBinding or ClusterRoleBinding in them binds to that ServiceAccount.
    /// </summary>
    public static RbacAuthorizer ForServiceAccount(string manifests, string serviceAccountNamespace, string serviceAccountName) =>
        new($"system:serviceaccount:{serviceAccountNamespace}:{serviceAccountName}",
            RbacManifests.GrantsOf(manifests, serviceAccountNamespace, serviceAccountName));

    /// <summary>Decides one request; true when allowed (and its grant is marked used).</summary>
    public bool Allows(AccessRequest request)
    {
        var permission = new Permission(request.Verb, request.Group, request.RuleResource);
        var allowed = false;
        foreach (var grant in Grants)
        {
            if ((grant.Namespace is null || grant.Namespace == request.Namespace)
                && grant.Rule.Allows(request.Verb, request.Group, request.RuleResource, request.Name))
            {
                _used[(grant, permission)] = true;
                allowed = true;
            }
        }

        if (!allowed)
        {
            _denied.Enqueue(request);
        }

        return allowed;
    }

    /// <summary>
    /// Every (verb, group, resource) some grant gives and no allowed request used: permissions granted but unused.
    /// A rule with "*" counts as used when any request matched it.
    /// </summary>
    public IReadOnlyList<Permission> UnusedPermissions() =>
        [.. Grants
            .SelectMany(g => g.Rule.Permissions().Select(p => (Grant: g, Permission: p)))
            .Where(gp => !_used.Keys.Any(u => u.Grant == gp.Grant && Covers(gp.Permission, u.Permission)))
            .Select(gp => gp.Permission)
            .Distinct()];

    /// <summary>Forgets what was used and refused (the grants stay).</summary>
    public void Reset()
    {
        _used.Clear();
        _denied.Clear();
    }

    /// <summary>Checks a request to the server; throws 403 Forbidden when refused. Paths that name no resource (discovery) pass.</summary>
    internal void Authorize(string method, string path, bool watch)
    {
        if (RequestTarget.Parse(path) is not { } target)
        {
            return;
        }

        var request = new AccessRequest(RequestLog.VerbOf(method, path, watch), target.Group, target.Plural, target.Subresource, target.Namespace, target.Name);
        if (!Allows(request))
        {
            throw Forbidden(request);
        }
    }

    /// <summary>The API server's refusal: <c>deployments.apps "web" is forbidden: User "..." cannot patch resource "deployments" in API group "apps" in the namespace "shop"</c>.</summary>
    public KubeApiException Forbidden(AccessRequest request)
    {
        var qualified = request.Group.Length == 0 ? request.Resource : $"{request.Resource}.{request.Group}";
        var subject = request.Name is null ? qualified : $"{qualified} \"{request.Name}\"";
        var scope = request.Namespace is null ? "at the cluster scope" : $"in the namespace \"{request.Namespace}\"";
        var message = $"{subject} is forbidden: User \"{User}\" cannot {request.Verb} resource \"{request.RuleResource}\" in API group \"{request.Group}\" {scope}";
        var details = new JsonObject();
        if (request.Name is not null)
        {
            details["name"] = request.Name;
        }

        details["group"] = request.Group;
        details["kind"] = request.Resource;
        return new KubeApiException(403, "Forbidden", message, details);
    }

    private static bool Covers(Permission granted, Permission used) =>
        (granted.Verb == "*" || granted.Verb == used.Verb)
        && (granted.Group == "*" || granted.Group == used.Group)
        && (granted.Resource == "*" || granted.Resource == used.Resource);
}
