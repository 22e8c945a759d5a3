using System.Text.Json.Serialization;
using Autotune.Engine.Resource.Spec;
using k8s;
using k8s.Models;

namespace Autotune.Operator.Kubernetes;

/// <summary>
/// The DatabaseBudget custom resource (autotune.dev/v1alpha1) as KubernetesClient reads and writes it: its spec
/// and status are the engine's records, named as crds/databasebudget.yaml declares them.
/// </summary>
public sealed class DatabaseBudgetResource : IKubernetesObject<V1ObjectMeta>, ISpec<DatabaseBudgetSpec>, IStatus<DatabaseBudgetStatus?>
{
    /// <summary>The kind.</summary>
    public const string KindName = "DatabaseBudget";

    /// <summary>The resource's plural name, as in URLs.</summary>
    public const string Plural = "databasebudgets";

    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiTuningResource.GroupVersion;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <inheritdoc />
    [JsonPropertyName("spec")]
    public DatabaseBudgetSpec Spec { get; set; } = null!;

    /// <inheritdoc />
    [JsonPropertyName("status")]
    public DatabaseBudgetStatus? Status { get; set; }
}
