using System.Net;
using Autotune.KubeApi.Authorization;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Autotune.KubeApi.Tests;

public sealed class AuthorizationTests
{
    private const string User = "system:serviceaccount:autotune-system:autotune";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A ClusterRole bound to the autotune ServiceAccount, as the chart renders it by default.</summary>
    private const string ClusterWide = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: autotune
        rules:
          - apiGroups: ["apps"]
            resources: ["deployments"]
            verbs: ["get", "list", "watch"]
          - apiGroups: ["apps"]
            resources: ["deployments/scale"]
            verbs: ["get", "patch"]
          - apiGroups: [""]
            resources: ["pods"]
            verbs: ["get", "list"]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: autotune
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: autotune
        subjects:
          - kind: ServiceAccount
            name: autotune
            namespace: autotune-system
        """;

    [Fact]
    public async Task Allowed_requests_pass_and_a_refused_one_answers_403_Forbidden_as_the_api_server_does()
    {
        var options = new KubeApiServerOptions();
        await using var cluster = await TestCluster.StartAsync(options);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        options.Authorizer = RbacAuthorizer.ForServiceAccount(ClusterWide, "autotune-system", "autotune");

        var read = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        Assert.Equal("web", read.Metadata.Name);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""{"metadata":{"labels":{"tier":"front"}}}""", V1Patch.PatchType.MergePatch), "web", cluster.Namespace, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        Assert.Equal(("Status", "Failure", "Forbidden", 403), (status.Kind, status.Status, status.Reason, status.Code));
        Assert.Equal(
            $"deployments.apps \"web\" is forbidden: User \"{User}\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"{cluster.Namespace}\"",
            status.Message);
        Assert.Equal(("web", "apps", "deployments"), (status.Details.Name, status.Details.Group, status.Details.Kind));
        Assert.Equal(new AccessRequest("patch", "apps", "deployments", null, cluster.Namespace, "web"), Assert.Single(options.Authorizer.Denied));
        var stored = await ReadAsAdminAsync(cluster, options, "web");
        Assert.False(stored.Metadata.Labels.ContainsKey("tier"));
    }

    [Fact]
    public async Task Each_bearer_token_is_its_own_user_an_admin_allowed_everything_and_a_service_account_only_its_rules()
    {
        var options = new KubeApiServerOptions();
        options.Tokens["admin-token"] = KubeUser.Admin();
        options.Tokens["operator-token"] = KubeUser.Of(RbacAuthorizer.ForServiceAccount(ClusterWide, "autotune-system", "autotune"));
        await using var cluster = await TestCluster.StartAsync(options);
        using var admin = Connect(cluster, "admin-token");
        using var serviceAccount = Connect(cluster, "operator-token");
        using var stranger = Connect(cluster, "not-a-token");

        await admin.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        var read = await serviceAccount.AppsV1.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => serviceAccount.AppsV1.DeleteNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct));
        var unknown = await Assert.ThrowsAsync<HttpOperationException>(() => stranger.AppsV1.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct));
        await admin.AppsV1.DeleteNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);

        Assert.Equal("web", read.Metadata.Name);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal(
            $"deployments.apps \"web\" is forbidden: User \"{User}\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"{cluster.Namespace}\"",
            KubernetesJson.Deserialize<V1Status>(refused.Response.Content).Message);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(unknown.Response.Content);
        Assert.Equal(("Failure", "Unauthorized", "Unauthorized", 401), (status.Status, status.Reason, status.Message, status.Code));
        var log = cluster.Server.Requests;
        Assert.Equal(["get 200", "delete 403"], log.By(User).Select(r => $"{r.Verb} {r.Status}"));
        Assert.Equal(["create 201", "delete 200"], log.By("kubernetes-admin").Where(r => r.Path.Contains("/deployments", StringComparison.Ordinal)).Select(r => $"{r.Verb} {r.Status}"));
        Assert.Equal(new AccessRequest("get", "apps", "deployments", null, cluster.Namespace, "web"), log.By(User)[0].Access);
        Assert.Null(Assert.Single(log.Records, r => r.Status == 401).User);
        Assert.Equal(KubeUser.Anonymous, log.Records[0].User);
    }

    [Fact]
    public async Task A_subresource_needs_its_own_rule()
    {
        var options = new KubeApiServerOptions();
        await using var cluster = await TestCluster.StartAsync(options);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        options.Authorizer = new RbacAuthorizer(User, [new RbacGrant(new PolicyRule(["apps"], ["deployments"], ["get", "patch"]), null, "test")]);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", cluster.Namespace, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        Assert.Contains("cannot get resource \"deployments/scale\" in API group \"apps\"", KubernetesJson.Deserialize<V1Status>(e.Response.Content).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_binding_grants_only_in_its_namespace_and_never_at_the_cluster_scope()
    {
        var options = new KubeApiServerOptions { Namespaces = ["default", "shop", "billing"] };
        await using var cluster = await TestCluster.StartAsync(options);
        options.Authorizer = new RbacAuthorizer(User, [new RbacGrant(new PolicyRule([""], ["secrets"], ["get", "list"]), "shop", "test")]);

        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ReadNamespacedSecretAsync("pg-admin", "shop", cancellationToken: Ct));
        var elsewhere = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ReadNamespacedSecretAsync("pg-admin", "billing", cancellationToken: Ct));
        var everywhere = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.ListSecretForAllNamespacesAsync(cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.Response.StatusCode);
        Assert.Equal(
            $"secrets \"pg-admin\" is forbidden: User \"{User}\" cannot get resource \"secrets\" in API group \"\" in the namespace \"billing\"",
            KubernetesJson.Deserialize<V1Status>(elsewhere.Response.Content).Message);
        Assert.Equal(HttpStatusCode.Forbidden, everywhere.Response.StatusCode);
        Assert.Equal(
            $"secrets is forbidden: User \"{User}\" cannot list resource \"secrets\" in API group \"\" at the cluster scope",
            KubernetesJson.Deserialize<V1Status>(everywhere.Response.Content).Message);
    }

    [Fact]
    public async Task Watch_is_its_own_verb_apart_from_list()
    {
        var options = new KubeApiServerOptions();
        await using var cluster = await TestCluster.StartAsync(options);
        options.Authorizer = new RbacAuthorizer(User, [new RbacGrant(new PolicyRule([""], ["pods"], ["list"]), null, "test")]);

        var list = await cluster.Client.CoreV1.ListNamespacedPodAsync(cluster.Namespace, cancellationToken: Ct);
        var watch = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.ListNamespacedPodWithHttpMessagesAsync(cluster.Namespace, watch: true, cancellationToken: Ct));

        Assert.Empty(list.Items);
        Assert.Equal(HttpStatusCode.Forbidden, watch.Response.StatusCode);
        Assert.Contains("cannot watch resource \"pods\"", KubernetesJson.Deserialize<V1Status>(watch.Response.Content).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_is_allowed_to_everyone()
    {
        var options = new KubeApiServerOptions();
        await using var cluster = await TestCluster.StartAsync(options);
        options.Authorizer = new RbacAuthorizer(User, []);

        var groups = await cluster.Client.GetAsync($"{cluster.Server.Url}/apis", Ct);

        Assert.Contains("\"apps\"", groups, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_each_granted_permission_no_request_used()
    {
        var options = new KubeApiServerOptions();
        await using var cluster = await TestCluster.StartAsync(options);
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Objects.Deployment("web"), cluster.Namespace, cancellationToken: Ct);
        var authorizer = RbacAuthorizer.ForServiceAccount(ClusterWide, "autotune-system", "autotune");
        options.Authorizer = authorizer;

        await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.AppsV1.ListNamespacedDeploymentAsync(cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", cluster.Namespace, cancellationToken: Ct);
        await cluster.Client.CoreV1.ListNamespacedPodAsync(cluster.Namespace, cancellationToken: Ct);

        Assert.Equal(
            ["watch deployments.apps", "patch deployments/scale.apps", "get pods"],
            authorizer.UnusedPermissions().Select(p => p.ToString()));
        Assert.Empty(authorizer.Denied);
    }

    [Fact]
    public void Reads_only_the_roles_bound_to_the_service_account()
    {
        const string manifests = ClusterWide + """

            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: lease
              namespace: autotune-system
            rules:
              - apiGroups: ["coordination.k8s.io"]
                resources: ["leases"]
                verbs: ["get", "create", "update"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: lease
              namespace: autotune-system
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: lease
            subjects:
              - kind: ServiceAccount
                name: autotune
                namespace: autotune-system
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: someone-else
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: autotune
            subjects:
              - kind: ServiceAccount
                name: other
                namespace: autotune-system
            """;

        var authorizer = RbacAuthorizer.ForServiceAccount(manifests, "autotune-system", "autotune");

        Assert.Equal(4, authorizer.Grants.Count);
        Assert.Equal(3, authorizer.Grants.Count(g => g.Namespace is null));
        var lease = Assert.Single(authorizer.Grants, g => g.Namespace is not null);
        Assert.Equal(("autotune-system", "leases"), (lease.Namespace, lease.Rule.Resources.Single()));
        Assert.True(authorizer.Allows(new AccessRequest("update", "coordination.k8s.io", "leases", null, "autotune-system", "autotune")));
        Assert.False(authorizer.Allows(new AccessRequest("update", "coordination.k8s.io", "leases", null, "shop", "autotune")));
        Assert.Equal([""], authorizer.Grants.Single(g => g.Rule.Resources.Contains("pods")).Rule.ApiGroups);
    }

    [Fact]
    public void Resource_names_narrow_a_rule_to_those_objects()
    {
        var authorizer = new RbacAuthorizer(User, [new RbacGrant(new PolicyRule([""], ["configmaps"], ["get"], ["web-tuning"]), "shop", "test")]);

        Assert.True(authorizer.Allows(new AccessRequest("get", "", "configmaps", null, "shop", "web-tuning")));
        Assert.False(authorizer.Allows(new AccessRequest("get", "", "configmaps", null, "shop", "other")));
        Assert.False(authorizer.Allows(new AccessRequest("list", "", "configmaps", null, "shop", null)));
    }

    private static Kubernetes Connect(TestCluster cluster, string token) =>
        new(new KubernetesClientConfiguration { Host = cluster.Server.Url, AccessToken = token });

    private static async Task<V1Deployment> ReadAsAdminAsync(TestCluster cluster, KubeApiServerOptions options, string name)
    {
        var authorizer = options.Authorizer;
        options.Authorizer = null;
        try
        {
            return await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync(name, cluster.Namespace, cancellationToken: Ct);
        }
        finally
        {
            options.Authorizer = authorizer;
        }
    }
}
