using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Resources;

/// <summary>One kind of resource the server serves: where it lives in the API and which subresources it has.</summary>
public sealed record ResourceType(
    string Group,
    IReadOnlyList<string> Versions,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    bool HasStatus = false,
    bool HasScale = false,
    bool HasGeneration = false,
    IReadOnlyList<string>? ShortNames = null)
{
    /// <summary>The openAPIV3Schema per served version, for custom resources; null for built-in types.</summary>
    public IReadOnlyDictionary<string, JsonObject>? Schemas { get; init; }

    /// <summary>The categories the type belongs to (<c>all</c>: what <c>kubectl get all</c> lists).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>The additionalPrinterColumns per served version, for custom resources; null for built-in types.</summary>
    public IReadOnlyDictionary<string, JsonArray>? PrinterColumns { get; init; }

    /// <summary>The list kind (DeploymentList).</summary>
    public string ListKind => Kind + "List";

    /// <summary>The resource as the API server names it in messages: pods, deployments.apps.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The kind as the API server names it in Invalid messages: Deployment.apps.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>The apiVersion of objects served at <paramref name="version"/>.</summary>
    public string ApiVersion(string version) => Group.Length == 0 ? version : $"{Group}/{version}";

    /// <summary>
    /// The key under which objects of this type are stored, shared by all its versions (and by events.k8s.io/v1 Events
    /// with core v1 Events, as the API server shares their storage).
    /// </summary>
    public string StorageKey { get; init; } = $"{Group}/{Plural}";
}
