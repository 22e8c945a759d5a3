using System.Text.Json.Serialization;
using Autotune.Engine.Resource.Spec;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes;

/// <summary>
/// The ApiTuning custom resource (autotune.dev/v1alpha1) as KubernetesClient reads and writes it. Its spec and
/// status are the engine's records, serialised by KubernetesClient's JSON settings (camelCase names, enums as their
/// names), which are the names crds/apituning.yaml declares.
/// </summary>
public sealed class ApiTuningResource : IKubernetesObject<V1ObjectMeta>, ISpec<ApiTuningSpec>, IStatus<ApiTuningStatus?>
{
    /// <summary>The API group.</summary>
    public const string Group = "autotune.dev";

    /// <summary>The served version.</summary>
    public const string Version = "v1alpha1";

    /// <summary>The kind.</summary>
    public const string KindName = "ApiTuning";

    /// <summary>The resource's plural name, as in URLs.</summary>
    public const string Plural = "apitunings";

    /// <summary>group/version.</summary>
    public const string GroupVersion = Group + "/" + Version;

    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GroupVersion;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("spec")]
    public ApiTuningSpec Spec { get; set; } = null!;

    /// <inheritdoc />
    [JsonPropertyName("status")]
    public ApiTuningStatus? Status { get; set; }

    /// <summary>namespace/name, the ApiTuning's key (and its key in the connection ledger).</summary>
    [JsonIgnore]
    public string Key => $"{Metadata.NamespaceProperty}/{Metadata.Name}";
}

/// <summary>A list of ApiTunings, as a LIST or the start of a WATCH answers.</summary>
public sealed class ApiTuningList : IKubernetesObject<V1ListMeta>, IItems<ApiTuningResource>
{
    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiTuningResource.GroupVersion;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = ApiTuningResource.KindName + "List";

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ListMeta Metadata { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("items")]
    public IList<ApiTuningResource> Items { get; set; } = [];
}
