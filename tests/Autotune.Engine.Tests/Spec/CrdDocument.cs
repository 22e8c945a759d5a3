using System.Text.Json.Nodes;

namespace Autotune.Engine.Tests.Spec;

/// <summary>crds/apituning.yaml, parsed once, with the parts the tests look at.</summary>
internal static class CrdDocument
{
    private static readonly Lazy<JsonObject> Crd = new(() => YamlJson.Parse(File.ReadAllText(RepoFiles.Crd))!.AsObject());

    public static JsonObject Root => Crd.Value;

    public static JsonObject Version => Root["spec"]!["versions"]!.AsArray().Single()!.AsObject();

    public static JsonObject OpenApiSchema => Version["schema"]!["openAPIV3Schema"]!.AsObject();

    public static JsonObject SpecSchema => OpenApiSchema["properties"]!["spec"]!.AsObject();

    public static JsonObject StatusSchema => OpenApiSchema["properties"]!["status"]!.AsObject();

    /// <summary>Every schema node with its field path (spec.knobs.replicas.min, spec.postgres.maintenanceWindow.days[]).</summary>
    public static IEnumerable<(string Path, JsonObject Node)> Walk(JsonObject node, string path)
    {
        yield return (path, node);
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var inner in Walk(child!.AsObject(), $"{path}.{name}"))
                {
                    yield return inner;
                }
            }
        }

        if (node["items"] is JsonObject items)
        {
            foreach (var inner in Walk(items, path + "[]"))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Every CEL rule in the schema with the path of the node it sits on.</summary>
    public static IEnumerable<(string Path, string Rule, string Message)> CelRules() =>
        Walk(OpenApiSchema, string.Empty)
            .SelectMany(n => (n.Node["x-kubernetes-validations"] as JsonArray ?? [])
                .Select(r => (n.Path.TrimStart('.'), (string)r!["rule"]!, (string)r["message"]!)));
}
