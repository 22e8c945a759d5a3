using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;
using k8s.Models;

namespace Autotune.KubeApi.OpenApi;

/// <summary>
/// OpenAPI v3 as the API server publishes it: <c>/openapi/v3</c> lists one document per group/version with a content
/// hash, and <c>/openapi/v3/apis/{group}/{version}</c> (or <c>/openapi/v3/api/v1</c>) holds the paths of every served
/// resource (their operations carry the group/version/kind and the query parameters the server honours, among them
/// fieldValidation, which is how kubectl learns it may leave validation to the server) and the component schemas:
/// custom resources from their CRD, built-in kinds from <see cref="ModelSchemas"/>.
/// </summary>
internal static class OpenApiV3
{
    /// <summary>The document at <paramref name="path"/> (under /openapi/v3), or null when there is none.</summary>
    public static JsonObject? Answer(string path, ResourceCatalog catalog)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var types = catalog.Types;
        return segments switch
        {
            ["openapi", "v3"] => Index(types),
            ["openapi", "v3", "api", "v1"] => Document(types, string.Empty, "v1"),
            ["openapi", "v3", "apis", var group, var version] when types.Any(t => t.Group == group && t.Versions.Contains(version)) => Document(types, group, version),
            _ => null,
        };
    }

    private static JsonObject Index(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var (group, version) in types.SelectMany(t => t.Versions.Select(v => (t.Group, Version: v))).Distinct().OrderBy(gv => gv.Group).ThenBy(gv => gv.Version))
        {
            var key = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
            var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(Document(types, group, version).ToJsonString())));
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    private static JsonObject Document(IReadOnlyList<ResourceType> types, string group, string version)
    {
        var paths = new JsonObject();
        var components = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var models = new List<Type>();
        foreach (var type in types.Where(t => t.Group == group && t.Versions.Contains(version)).OrderBy(t => t.Plural))
        {
            string kindSchema;
            string listSchema;
            if (type.Schemas is not null)
            {
                foreach (var (name, schema) in CustomResourceSchemas.For(type, version))
                {
                    components[name] = schema;
                }

                kindSchema = CustomResourceSchemas.NameOf(type, version, type.Kind);
                listSchema = CustomResourceSchemas.NameOf(type, version, type.ListKind);
            }
            else
            {
                var model = ModelSchemas.ModelOf(group, version, type.Kind) ?? throw new InvalidOperationException($"KubernetesClient has no model of {type.QualifiedKind}/{version}");
                models.Add(model);
                kindSchema = ModelSchemas.NameOf(model);
                if (ModelSchemas.ModelOf(group, version, type.ListKind) is { } listModel)
                {
                    models.Add(listModel);
                    listSchema = ModelSchemas.NameOf(listModel);
                }
                else
                {
                    listSchema = kindSchema;
                }
            }

            AddPaths(paths, type, version, kindSchema, listSchema);
        }

        models.Add(typeof(V1Scale));
        models.Add(typeof(V1Status));
        foreach (var (name, schema) in ModelSchemas.Reachable(models))
        {
            components[name] = schema;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.34.0-autotune-test" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(components.OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
            },
        };
    }

    private static void AddPaths(JsonObject paths, ResourceType type, string version, string kindSchema, string listSchema)
    {
        var prefix = type.Group.Length == 0 ? $"/api/{version}" : $"/apis/{type.Group}/{version}";
        var collection = type.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{type.Plural}" : $"{prefix}/{type.Plural}";
        var gvk = (type.Group, version, type.Kind);
        var scope = type.Namespaced ? "Namespaced" : string.Empty;
        var gv = OperationPrefix(type.Group, version);
        paths[collection] = PathItem(type.Namespaced, named: false, new()
        {
            ["get"] = Operation($"list{gv}{scope}{type.Kind}", $"list or watch objects of kind {type.Kind}", "list", gvk, listSchema, QueryParameters.List),
            ["post"] = Operation($"create{gv}{scope}{type.Kind}", $"create a {type.Kind}", "post", gvk, kindSchema, QueryParameters.Write),
        });
        paths[$"{collection}/{{name}}"] = PathItem(type.Namespaced, named: true, new()
        {
            ["get"] = Operation($"read{gv}{scope}{type.Kind}", $"read the specified {type.Kind}", "get", gvk, kindSchema, []),
            ["put"] = Operation($"replace{gv}{scope}{type.Kind}", $"replace the specified {type.Kind}", "put", gvk, kindSchema, QueryParameters.Write),
            ["patch"] = Operation($"patch{gv}{scope}{type.Kind}", $"partially update the specified {type.Kind}", "patch", gvk, kindSchema, QueryParameters.Patch),
            ["delete"] = Operation($"delete{gv}{scope}{type.Kind}", $"delete a {type.Kind}", "delete", gvk, ModelSchemas.NameOf(typeof(V1Status)), QueryParameters.Delete),
        });
        if (type.HasStatus)
        {
            paths[$"{collection}/{{name}}/status"] = PathItem(type.Namespaced, named: true, new()
            {
                ["get"] = Operation($"read{gv}{scope}{type.Kind}Status", $"read status of the specified {type.Kind}", "get", gvk, kindSchema, []),
                ["put"] = Operation($"replace{gv}{scope}{type.Kind}Status", $"replace status of the specified {type.Kind}", "put", gvk, kindSchema, QueryParameters.Write),
                ["patch"] = Operation($"patch{gv}{scope}{type.Kind}Status", $"partially update status of the specified {type.Kind}", "patch", gvk, kindSchema, QueryParameters.Patch),
            });
        }

        if (type.HasScale)
        {
            var scale = ("autoscaling", "v1", "Scale");
            var scaleSchema = ModelSchemas.NameOf(typeof(V1Scale));
            paths[$"{collection}/{{name}}/scale"] = PathItem(type.Namespaced, named: true, new()
            {
                ["get"] = Operation($"read{gv}{scope}{type.Kind}Scale", $"read scale of the specified {type.Kind}", "get", scale, scaleSchema, []),
                ["put"] = Operation($"replace{gv}{scope}{type.Kind}Scale", $"replace scale of the specified {type.Kind}", "put", scale, scaleSchema, QueryParameters.Write),
                ["patch"] = Operation($"patch{gv}{scope}{type.Kind}Scale", $"partially update scale of the specified {type.Kind}", "patch", scale, scaleSchema, QueryParameters.Patch),
            });
        }

        if (type.Namespaced)
        {
            paths[$"{prefix}/{type.Plural}"] = PathItem(false, named: false, new()
            {
                ["get"] = Operation($"list{gv}{type.Kind}ForAllNamespaces", $"list or watch objects of kind {type.Kind}", "list", gvk, listSchema, QueryParameters.List),
            });
        }
    }

    /// <summary>CoreV1, AppsV1, AutotuneDevV1alpha1: how the API server's operation ids name a group/version.</summary>
    private static string OperationPrefix(string group, string version)
    {
        var words = group.Length == 0 ? new[] { "core" } : group.Replace(".k8s.io", string.Empty, StringComparison.Ordinal).Split('.', '-');
        return string.Concat(words.Append(version).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    private static JsonObject PathItem(bool namespaced, bool named, JsonObject operations)
    {
        var parameters = new JsonArray();
        if (named)
        {
            parameters.Add(QueryParameters.Path("name", "name of the resource"));
        }

        if (namespaced)
        {
            parameters.Add(QueryParameters.Path("namespace", "object name and auth scope, such as for teams and projects"));
        }

        operations["parameters"] = parameters;
        return operations;
    }

    private static JsonObject Operation(string id, string description, string action, (string Group, string Version, string Kind) gvk, string schema, JsonArray parameters)
    {
        var response = new JsonObject
        {
            ["description"] = "OK",
            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + schema } } },
        };
        var operation = new JsonObject
        {
            ["description"] = description,
            ["operationId"] = id,
            ["parameters"] = parameters.DeepClone(),
            ["responses"] = new JsonObject { ["200"] = response },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = gvk.Group, ["kind"] = gvk.Kind, ["version"] = gvk.Version },
        };
        if (action is "post" or "put" or "patch")
        {
            var types = action == "patch"
                ? new[] { "application/json-patch+json", "application/merge-patch+json" }
                : ["application/json"];
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject(types.Select(t => KeyValuePair.Create(t, (JsonNode?)new JsonObject
                {
                    ["schema"] = action == "patch" ? new JsonObject { ["type"] = "object" } : new JsonObject { ["$ref"] = "#/components/schemas/" + schema },
                }))),
            };
        }

        return operation;
    }
}
