using Autotune.KubeApi.Authorization;
using Xunit;

namespace Autotune.Charts.Tests;

public sealed class RbacTests
{
    private static readonly string AccessFile = Path.Combine(Helm.RepoRoot, "operator", "Autotune.Operator", "Kubernetes", "kubernetes-access.yaml");

    private static IReadOnlyList<PolicyRule> AccessRules => RbacManifests.RulesOf(File.ReadAllText(AccessFile));

    [Fact]
    public void The_chart_carries_the_operators_access_file_unchanged()
    {
        var copy = Path.Combine(Helm.RepoRoot, "charts", "autotune", "files", "kubernetes-access.yaml");

        Assert.True(
            File.ReadAllText(AccessFile) == File.ReadAllText(copy),
            "charts/autotune/files/kubernetes-access.yaml differs from operator/Autotune.Operator/Kubernetes/kubernetes-access.yaml: copy it over");
    }

    [Fact]
    public async Task By_default_one_cluster_role_grants_exactly_the_access_file_rules()
    {
        var rendered = await Rendered.OfAsync("default");

        var role = rendered.Single("ClusterRole");
        var rules = RbacManifests.Rules(role.Root);

        Assert.Equal(AccessRules.Select(r => r.ToString()), rules.Select(r => r.ToString()));
        Assert.Empty(rendered.OfKind("Role"));
        var grants = RbacManifests.GrantsOf(rendered.Manifests, "autotune-system", "autotune");
        Assert.All(grants, g => Assert.Null(g.Namespace));
        Assert.Equal(AccessRules.Count, grants.Count);
    }

    [Fact]
    public async Task Watching_namespaces_grants_roles_there_only_with_the_lease_in_the_lease_namespace()
    {
        var rendered = await Rendered.OfAsync("namespaced");

        Assert.Empty(rendered.OfKind("ClusterRole"));
        Assert.Empty(rendered.OfKind("ClusterRoleBinding"));
        var grants = RbacManifests.GrantsOf(rendered.Manifests, "autotune-system", "autotune");
        Assert.Equal(["autotune-system", "shop", "web"], grants.Select(g => g.Namespace!).Distinct().Order());
        foreach (var ns in new[] { "shop", "web" })
        {
            var inNamespace = grants.Where(g => g.Namespace == ns).Select(g => g.Rule.ToString()).ToList();
            Assert.Equal(AccessRules.Where(r => !r.ApiGroups.Contains("coordination.k8s.io")).Select(r => r.ToString()), inNamespace);
        }

        var lease = Assert.Single(grants, g => g.Namespace == "autotune-system");
        Assert.Equal(AccessRules.Single(r => r.Resources.Contains("leases")).ToString(), lease.Rule.ToString());
        Assert.Equal(
            AccessRules.Select(r => r.ToString()).Order(),
            grants.Select(g => g.Rule.ToString()).Distinct().Order());
    }

    [Fact]
    public async Task Namespaced_install_lets_the_operator_read_secrets_only_in_watched_namespaces()
    {
        var rendered = await Rendered.OfAsync("namespaced");
        var authorizer = RbacAuthorizer.ForServiceAccount(rendered.Manifests, "autotune-system", "autotune");

        Assert.True(authorizer.Allows(new AccessRequest("get", "", "secrets", null, "shop", "pg-admin")));
        Assert.True(authorizer.Allows(new AccessRequest("get", "", "secrets", null, "web", "pg-admin")));
        Assert.False(authorizer.Allows(new AccessRequest("get", "", "secrets", null, "kube-system", "pg-admin")));
        Assert.False(authorizer.Allows(new AccessRequest("get", "", "secrets", null, "autotune-system", "pg-admin")));
        Assert.False(authorizer.Allows(new AccessRequest("list", "autotune.dev", "apitunings", null, null, null)));
        Assert.True(authorizer.Allows(new AccessRequest("update", "coordination.k8s.io", "leases", null, "autotune-system", "autotune")));
        Assert.False(authorizer.Allows(new AccessRequest("update", "coordination.k8s.io", "leases", null, "shop", "autotune")));
    }

    [Fact]
    public async Task Cluster_wide_install_grants_every_access_file_verb_everywhere_and_nothing_else()
    {
        var rendered = await Rendered.OfAsync("default");
        var authorizer = RbacAuthorizer.ForServiceAccount(rendered.Manifests, "autotune-system", "autotune");

        foreach (var permission in AccessRules.SelectMany(r => r.Permissions()))
        {
            var (resource, sub) = permission.Resource.Split('/') is [var r, var s] ? (r, s) : (permission.Resource, null);
            Assert.True(authorizer.Allows(new AccessRequest(permission.Verb, permission.Group, resource, sub, "any-namespace", "x")), permission.ToString());
        }

        Assert.Empty(authorizer.UnusedPermissions());
        Assert.False(authorizer.Allows(new AccessRequest("delete", "apps", "deployments", null, "shop", "web")));
        Assert.False(authorizer.Allows(new AccessRequest("list", "", "secrets", null, "shop", null)));
    }
}
