using Autotune.KubeApi.Authorization;

namespace Autotune.Operator.Tests.Kubernetes.Access;

/// <summary>
/// The operator's identity in the cluster tests: the ServiceAccount the chart installs
/// (release autotune in autotune-system, default values: one ClusterRole bound cluster-wide), authorised by the RBAC
/// objects `helm template charts/autotune` renders, and nothing else.
/// </summary>
internal static class OperatorRbac
{
    public const string Namespace = "autotune-system";

    public const string ServiceAccount = "autotune";

    private static readonly Lazy<Task<string>> Manifests = new(RenderAsync);

    /// <summary>system:serviceaccount:autotune-system:autotune, as the API server names it in a 403.</summary>
    public static string User => $"system:serviceaccount:{Namespace}:{ServiceAccount}";

    /// <summary>A fresh authoriser (its own record of what it refused) holding the chart's grants to the ServiceAccount.</summary>
    public static async Task<RbacAuthorizer> AuthorizerAsync() =>
        RbacAuthorizer.ForServiceAccount(await Manifests.Value, Namespace, ServiceAccount);

    private static async Task<string> RenderAsync()
    {
        // Rendered once per test process; helm is located or installed as scripts/setup.sh does.
        string manifests;
        try
        {
            manifests = await Helm.TemplateAsync("charts/autotune", "autotune", Namespace);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            throw new InvalidOperationException(
                $"The cluster tests authorise the operator with the RBAC helm renders from charts/autotune, and helm failed (run scripts/setup.sh): {e.Message}", e);
        }

        return RbacManifests.GrantsOf(manifests, Namespace, ServiceAccount).Count > 0
            ? manifests
            : throw new InvalidOperationException($"helm template charts/autotune bound no Role or ClusterRole to the ServiceAccount {Namespace}/{ServiceAccount}");
    }
}
