using Autotune.Engine.Resource.Spec;
using Autotune.Operator.Reconcile;
using k8s.Models;

namespace Autotune.Operator.Kubernetes;

/// <summary>
/// The opt-in of the objects the operator reads or changes on an ApiTuning's behalf: the annotation
/// <see cref="KubernetesNames.AllowTuning"/> listing the ApiTunings (of the object's namespace) that may use it, and
/// the ownership of the tuning ConfigMap. See docs/security.md for why an annotation and what it prevents.
/// </summary>
public static class OptIn
{
    /// <summary>True when <paramref name="metadata"/> lists <paramref name="apiTuning"/> in its allow-tuning annotation.</summary>
    public static bool Allows(V1ObjectMeta? metadata, string apiTuning)
    {
        ArgumentNullException.ThrowIfNull(apiTuning);
        var value = KubernetesNames.Lookup(metadata?.Annotations, KubernetesNames.AllowTuning);
        return value is not null
            && value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(apiTuning, StringComparer.Ordinal);
    }

    /// <summary>
    /// Throws <see cref="AccessRefusedException"/> (reason <see cref="ConditionReasons.OptInMissing"/>) unless
    /// <paramref name="metadata"/> lets <paramref name="apiTuning"/> use the object; <paramref name="role"/> says
    /// which field named it ("spec.targetRef").
    /// </summary>
    public static void Require(V1ObjectMeta? metadata, string kind, string @namespace, string name, string role, string apiTuning)
    {
        if (!Allows(metadata, apiTuning))
        {
            throw new AccessRefusedException(ConditionReasons.OptInMissing,
                $"{kind} {@namespace}/{name} ({role}) does not let ApiTuning {apiTuning} use it: it needs the annotation {KubernetesNames.AllowTuning}: \"{apiTuning}\" (a comma-separated list of ApiTuning names), added by someone who may edit it; nothing of it was used or changed (docs/security.md)");
        }
    }

    /// <summary>True when the ConfigMap was created by the operator for the ApiTuning with <paramref name="ownerUid"/>.</summary>
    public static bool IsOwnedBy(V1ObjectMeta? metadata, string apiTuning, string? ownerUid) =>
        ownerUid is not null
        && metadata?.OwnerReferences?.Any(o => o.Kind == ApiTuningResource.KindName && o.Name == apiTuning && o.Uid == ownerUid && o.Controller == true) == true;

    /// <summary>Throws <see cref="AccessRefusedException"/> (reason <see cref="ConditionReasons.ConfigMapNotOwned"/>) unless the operator owns the ConfigMap.</summary>
    public static void RequireOwned(V1ObjectMeta? metadata, string @namespace, string name, string apiTuning, string? ownerUid)
    {
        if (!IsOwnedBy(metadata, apiTuning, ownerUid))
        {
            throw new AccessRefusedException(ConditionReasons.ConfigMapNotOwned,
                $"ConfigMap {@namespace}/{name} exists and was not created by the operator for ApiTuning {apiTuning} (it has no controller owner reference to it): the operator never writes a ConfigMap it does not own. Delete or rename that ConfigMap, or give the ApiTuning another name; nothing was changed (docs/security.md)");
        }
    }

    /// <summary>The refusal for an object or key that does not exist (reason <see cref="ConditionReasons.ReferenceNotFound"/>).</summary>
    public static SafeFailureException NotFound(string what, string role) =>
        new(ConditionReasons.ReferenceNotFound, $"{what} ({role}) does not exist; nothing is tuned until it does");
}
