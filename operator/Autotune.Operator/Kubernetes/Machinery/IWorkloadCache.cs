using k8s.Models;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>
/// The controller's watch-backed copies of the objects the ports read on every pass (Deployments, pods,
/// HorizontalPodAutoscalers, KEDA ScaledObjects), so a steady-state pass reads them without a request. Every
/// method answers null when the collection of that namespace is not cached (not watched, or not listed yet);
/// the port then asks the API server, as it would without a cache.
/// </summary>
public interface IWorkloadCache
{
    /// <summary>The Deployment, or null when it is not in the cache.</summary>
    V1Deployment? Deployment(string @namespace, string name);

    /// <summary>The pods of the namespace that <paramref name="selector"/> selects.</summary>
    IReadOnlyList<V1Pod>? Pods(string @namespace, V1LabelSelector selector);

    /// <summary>The HorizontalPodAutoscalers of the namespace.</summary>
    IReadOnlyList<V2HorizontalPodAutoscaler>? Autoscalers(string @namespace);

    /// <summary>The KEDA ScaledObjects of the namespace (empty when KEDA is not installed).</summary>
    IReadOnlyList<ScaledObjectResource>? ScaledObjects(string @namespace);
}
