using System.Net;
using k8s.Autorest;

namespace Autotune.Operator.Kubernetes;

/// <summary>Tells the API server's answers apart.</summary>
internal static class KubeErrors
{
    public static bool IsNotFound(Exception ex) => Status(ex) == HttpStatusCode.NotFound;

    public static bool IsConflict(Exception ex) => Status(ex) == HttpStatusCode.Conflict;

    private static HttpStatusCode? Status(Exception ex) => ex is HttpOperationException { Response: { } response } ? response.StatusCode : null;
}
