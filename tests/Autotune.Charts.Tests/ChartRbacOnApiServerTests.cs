using System.Net;
using System.Text;
using Autotune.KubeApi;
using Autotune.KubeApi.Authorization;
using Xunit;

namespace Autotune.Charts.Tests;

/// <summary>The chart's rendered RBAC, enforced by the Kubernetes API test server over HTTP, as the controller's scenarios use it.</summary>
public sealed class ChartRbacOnApiServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Installs() => new("default", "namespaced");

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task Every_call_in_the_access_file_is_allowed_in_a_watched_namespace_and_every_grant_is_used(string install)
    {
        var rendered = await Rendered.OfAsync(install);
        var authorizer = RbacAuthorizer.ForServiceAccount(rendered.Manifests, "autotune-system", "autotune");
        var options = new KubeApiServerOptions { Namespaces = ["default", "shop", "web", "autotune-system"], Authorizer = authorizer };
        await using var server = await KubeApiServer.StartAsync(options, Ct);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(20) };
        var access = RbacManifests.RulesOf(await File.ReadAllTextAsync(Path.Combine(Helm.RepoRoot, "charts", "autotune", "files", "kubernetes-access.yaml"), Ct));

        string[] watched = install == "namespaced" ? ["shop", "web"] : ["shop"];
        foreach (var permission in access.SelectMany(r => r.Permissions()))
        {
            foreach (var ns in permission.Resource == "leases" ? ["autotune-system"] : watched)
            {
                var code = await SendAsync(http, permission, ns);
                Assert.True(code != HttpStatusCode.Forbidden, $"{permission} in {ns} was refused");
            }
        }

        Assert.Empty(authorizer.Denied);
        Assert.Empty(authorizer.UnusedPermissions());
        var refused = await SendAsync(http, new Permission("delete", "apps", "deployments"), "shop");
        Assert.Equal(HttpStatusCode.Forbidden, refused);
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, Permission permission, string ns)
    {
        var (resource, sub) = permission.Resource.Split('/') is [var r, var s] ? (r, s) : (permission.Resource, null);
        var prefix = permission.Group.Length == 0 ? "/api/v1" : $"/apis/{permission.Group}/{Version(permission.Group)}";
        var collection = $"{prefix}/namespaces/{ns}/{resource}";
        var one = $"{collection}/probe" + (sub is null ? string.Empty : $"/{sub}");
        using var request = permission.Verb switch
        {
            "get" => new HttpRequestMessage(HttpMethod.Get, one),
            "list" => new HttpRequestMessage(HttpMethod.Get, collection),
            "watch" => new HttpRequestMessage(HttpMethod.Get, collection + "?watch=true&timeoutSeconds=1"),
            "create" => new HttpRequestMessage(HttpMethod.Post, collection) { Content = Json("""{"metadata":{"name":"probe"}}""") },
            "update" => new HttpRequestMessage(HttpMethod.Put, one) { Content = Json("""{"metadata":{"name":"probe"}}""") },
            "patch" => new HttpRequestMessage(HttpMethod.Patch, one) { Content = new StringContent("{}", Encoding.UTF8, "application/merge-patch+json") },
            "delete" => new HttpRequestMessage(HttpMethod.Delete, one),
            _ => throw new ArgumentException(permission.Verb),
        };
        // A watch streams until its timeout: its status line is all this needs.
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        return response.StatusCode;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Version(string group) => group switch
    {
        "autotune.dev" => "v1alpha1",
        "autoscaling" => "v2",
        "keda.sh" => "v1alpha1",
        _ => "v1",
    };
}
