using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;
using k8s.Models;

namespace Autotune.KubeApi.OpenApi;

/// <summary>
/// The OpenAPI component schemas of a custom resource at one version, as the API server publishes them: the CRD's
/// openAPIV3Schema with apiVersion, kind and metadata (a reference to ObjectMeta) filled in and the kind's
/// group/version/kind extension, plus its List.
/// </summary>
internal static class CustomResourceSchemas
{
    public const string ApiVersionDescription = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
    public const string KindDescription = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

    /// <summary>The component name: the group reversed, then version and kind (dev.autotune.v1alpha1.ApiTuning).</summary>
    public static string NameOf(ResourceType type, string version, string kind) =>
        $"{string.Join('.', type.Group.Split('.').Reverse())}.{version}.{kind}";

    /// <summary>The kind's and its list's schemas, with the meta schemas they reference.</summary>
    public static Dictionary<string, JsonObject> For(ResourceType type, string version)
    {
        var components = ModelSchemas.Reachable([typeof(V1ObjectMeta), typeof(V1ListMeta)]);
        var schema = type.Schemas?.GetValueOrDefault(version)?.DeepClone().AsObject()
            ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        var properties = schema["properties"] as JsonObject ?? [];
        schema.Remove("properties");
        var full = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = ApiVersionDescription },
            ["kind"] = new JsonObject { ["type"] = "string", ["description"] = KindDescription },
            ["metadata"] = ModelSchemas.Ref(ModelSchemas.NameOf(typeof(V1ObjectMeta)), "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
        };
        foreach (var (name, value) in properties)
        {
            if (name is not ("apiVersion" or "kind" or "metadata"))
            {
                full[name] = value?.DeepClone();
            }
        }

        schema["properties"] = full;
        schema["x-kubernetes-group-version-kind"] = Gvk(type, version, type.Kind);
        var kindName = NameOf(type, version, type.Kind);
        components[kindName] = schema;
        components[NameOf(type, version, type.ListKind)] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = $"{type.ListKind} is a list of {type.Kind}",
            ["required"] = new JsonArray("items"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = ApiVersionDescription },
                ["items"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = $"List of {type.Plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md",
                    ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/" + kindName },
                },
                ["kind"] = new JsonObject { ["type"] = "string", ["description"] = KindDescription },
                ["metadata"] = ModelSchemas.Ref(ModelSchemas.NameOf(typeof(V1ListMeta)), "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
            },
            ["x-kubernetes-group-version-kind"] = Gvk(type, version, type.ListKind),
        };
        return components;
    }

    private static JsonArray Gvk(ResourceType type, string version, string kind) =>
        new(new JsonObject { ["group"] = type.Group, ["kind"] = kind, ["version"] = version });
}
