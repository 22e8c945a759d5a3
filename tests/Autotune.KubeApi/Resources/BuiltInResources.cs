namespace Autotune.KubeApi.Resources;

/// <summary>The built-in resources the server serves: the ones the operator reads or writes.</summary>
public static class BuiltInResources
{
    /// <summary>Namespaces (core v1).</summary>
    public static readonly ResourceType Namespaces = new(string.Empty, ["v1"], "namespaces", "namespace", "Namespace", Namespaced: false, HasStatus: true, ShortNames: ["ns"]);

    /// <summary>CustomResourceDefinitions (apiextensions.k8s.io/v1).</summary>
    public static readonly ResourceType CustomResourceDefinitions = new(
        "apiextensions.k8s.io", ["v1"], "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", Namespaced: false, HasStatus: true, HasGeneration: true, ShortNames: ["crd", "crds"]);

    /// <summary>events.k8s.io/v1 Events: the core v1 Events' storage, served with the new field names.</summary>
    public static readonly ResourceType EventsV1 = new("events.k8s.io", ["v1"], "events", "event", "Event", Namespaced: true, ShortNames: ["ev"]) { StorageKey = "/events" };

    /// <summary>Every built-in type.</summary>
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces,
        new(string.Empty, ["v1"], "pods", "pod", "Pod", Namespaced: true, HasStatus: true, HasGeneration: true, ShortNames: ["po"]) { Categories = ["all"] },
        new(string.Empty, ["v1"], "configmaps", "configmap", "ConfigMap", Namespaced: true, ShortNames: ["cm"]),
        new(string.Empty, ["v1"], "secrets", "secret", "Secret", Namespaced: true),
        new(string.Empty, ["v1"], "events", "event", "Event", Namespaced: true, ShortNames: ["ev"]),
        new(string.Empty, ["v1"], "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", Namespaced: true, HasStatus: true, ShortNames: ["pvc"]),
        new(string.Empty, ["v1"], "serviceaccounts", "serviceaccount", "ServiceAccount", Namespaced: true, ShortNames: ["sa"]),
        new(string.Empty, ["v1"], "services", "service", "Service", Namespaced: true, HasStatus: true, ShortNames: ["svc"]) { Categories = ["all"] },
        EventsV1,
        new("apps", ["v1"], "deployments", "deployment", "Deployment", Namespaced: true, HasStatus: true, HasScale: true, HasGeneration: true, ShortNames: ["deploy"]) { Categories = ["all"] },
        new("apps", ["v1"], "statefulsets", "statefulset", "StatefulSet", Namespaced: true, HasStatus: true, HasScale: true, HasGeneration: true, ShortNames: ["sts"]) { Categories = ["all"] },
        new("coordination.k8s.io", ["v1"], "leases", "lease", "Lease", Namespaced: true),
        new("autoscaling", ["v2"], "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", Namespaced: true, HasStatus: true, ShortNames: ["hpa"]) { Categories = ["all"] },
        new("rbac.authorization.k8s.io", ["v1"], "clusterroles", "clusterrole", "ClusterRole", Namespaced: false),
        new("rbac.authorization.k8s.io", ["v1"], "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", Namespaced: false),
        new("rbac.authorization.k8s.io", ["v1"], "roles", "role", "Role", Namespaced: true),
        new("rbac.authorization.k8s.io", ["v1"], "rolebindings", "rolebinding", "RoleBinding", Namespaced: true),
        new("policy", ["v1"], "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", Namespaced: true, HasStatus: true, HasGeneration: true, ShortNames: ["pdb"]),
        CustomResourceDefinitions,
    ];
}
