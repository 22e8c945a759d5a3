using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Resources;

/// <summary>
/// The resource types served now: the built-in ones plus a custom resource for every CustomResourceDefinition
/// created in the server (registered when the CRD is created, removed when it is deleted).
/// </summary>
public sealed class ResourceCatalog
{
    private readonly Lock _gate = new();
    private readonly List<ResourceType> _types = [.. BuiltInResources.All];

    /// <summary>A snapshot of every served type.</summary>
    public IReadOnlyList<ResourceType> Types
    {
        get
        {
            lock (_gate)
            {
                return [.. _types];
            }
        }
    }

    /// <summary>The type served at group/version/plural, or null (the server answers 404).</summary>
    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _types.FirstOrDefault(t => t.Group == group && t.Plural == plural && t.Versions.Contains(version));
        }
    }

    /// <summary>Serves the custom resource a CRD describes (replacing an earlier registration of the same CRD).</summary>
    public ResourceType Register(JsonObject crd)
    {
        var spec = crd["spec"]!;
        var names = spec["names"]!;
        var versions = spec["versions"]!.AsArray().Where(v => (bool?)v!["served"] ?? true).ToList();
        var type = new ResourceType(
            (string)spec["group"]!,
            [.. versions.Select(v => (string)v!["name"]!)],
            (string)names["plural"]!,
            (string?)names["singular"] ?? ((string)names["kind"]!).ToLowerInvariant(),
            (string)names["kind"]!,
            Namespaced: (string?)spec["scope"] != "Cluster",
            HasStatus: versions.Any(v => v!["subresources"]?["status"] is not null),
            HasScale: false,
            HasGeneration: true,
            ShortNames: names["shortNames"]?.AsArray().Select(n => (string)n!).ToList())
        {
            Schemas = versions
                .Where(v => v!["schema"]?["openAPIV3Schema"] is JsonObject)
                .ToDictionary(v => (string)v!["name"]!, v => v!["schema"]!["openAPIV3Schema"]!.AsObject()),
            Categories = names["categories"]?.AsArray().Select(n => (string)n!).ToList() ?? [],
            PrinterColumns = versions.ToDictionary(
                v => (string)v!["name"]!,
                v => v!["additionalPrinterColumns"] is JsonArray columns
                    ? columns.DeepClone().AsArray()
                    : new JsonArray(new JsonObject { ["name"] = "Age", ["type"] = "date", ["jsonPath"] = ".metadata.creationTimestamp" })),
        };
        lock (_gate)
        {
            _types.RemoveAll(t => t.StorageKey == type.StorageKey);
            _types.Add(type);
        }

        return type;
    }

    /// <summary>Stops serving the custom resource of a CRD.</summary>
    public ResourceType? Unregister(JsonObject crd)
    {
        var key = $"{(string?)crd["spec"]?["group"]}/{(string?)crd["spec"]?["names"]?["plural"]}";
        lock (_gate)
        {
            var type = _types.FirstOrDefault(t => t.StorageKey == key && !BuiltInResources.All.Contains(t));
            if (type is not null)
            {
                _types.Remove(type);
            }

            return type;
        }
    }
}
