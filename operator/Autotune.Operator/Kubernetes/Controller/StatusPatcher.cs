using System.Net;
using System.Text.Json.Nodes;
using Autotune.Engine.Spec;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// Writes an ApiTuning's status through the status subresource as one JSON merge patch, only when it differs from
/// what the object carries, retrying a 409 Conflict (a merge patch carries no resourceVersion, so a conflict is the
/// server's, and the same patch applies to whatever version is current).
/// </summary>
public sealed class StatusPatcher(IKubernetes client, int conflictRetries = 5)
{
    /// <summary>How many status writes were made.</summary>
    public int Writes { get; private set; }

    /// <summary>
    /// Writes <paramref name="status"/> unless <paramref name="known"/> (what this operator wrote last, or else what
    /// the object carries) already says the same; returns true when written.
    /// </summary>
    public async Task<bool> WriteAsync(ApiTuningResource resource, ApiTuningStatus? known, ApiTuningStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(status);
        if (StatusComposer.Same(known, status))
        {
            return false;
        }

        var body = new JsonObject { ["status"] = JsonNode.Parse(KubernetesJson.Serialize(status)) };
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                    patch, ApiTuningResource.Group, ApiTuningResource.Version, resource.Metadata.NamespaceProperty, ApiTuningResource.Plural, resource.Metadata.Name,
                    cancellationToken: cancellationToken);
                Writes++;
                return true;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict && attempt < conflictRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * (attempt + 1)), cancellationToken);
            }
        }
    }
}
