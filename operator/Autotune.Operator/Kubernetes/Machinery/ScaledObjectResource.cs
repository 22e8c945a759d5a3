using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes.Machinery;

/// <summary>A KEDA ScaledObject (keda.sh/v1alpha1), reduced to what says which workload's replicas it owns.</summary>
public sealed class ScaledObjectResource : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The API group.</summary>
    public const string Group = "keda.sh";

    /// <summary>The version read.</summary>
    public const string Version = "v1alpha1";

    /// <summary>The resource's plural name, as in URLs.</summary>
    public const string Plural = "scaledobjects";

    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ScaledObject";

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The spec, of which only the target is read.</summary>
    [JsonPropertyName("spec")]
    public ScaledObjectSpec? Spec { get; set; }
}

/// <summary>The part of a ScaledObject's spec the operator reads.</summary>
public sealed class ScaledObjectSpec
{
    /// <summary>The workload whose replicas KEDA owns.</summary>
    [JsonPropertyName("scaleTargetRef")]
    public ScaledObjectTarget? ScaleTargetRef { get; set; }
}

/// <summary>A ScaledObject's scaleTargetRef (kind defaults to Deployment).</summary>
public sealed class ScaledObjectTarget
{
    /// <summary>apiVersion of the target, or null (apps/v1).</summary>
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    /// <summary>Kind of the target, or null (Deployment).</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>Name of the target.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

/// <summary>A list of ScaledObjects, as a LIST answers.</summary>
public sealed class ScaledObjectList : IKubernetesObject<V1ListMeta>, IItems<ScaledObjectResource>
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ScaledObjectResource.Group + "/" + ScaledObjectResource.Version;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ScaledObjectList";

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("items")]
    public IList<ScaledObjectResource> Items { get; set; } = [];
}
