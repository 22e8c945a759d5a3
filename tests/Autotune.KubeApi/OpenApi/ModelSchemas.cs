using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Autotune.KubeApi.OpenApi;

/// <summary>
/// OpenAPI v3 component schemas for the built-in kinds, derived from KubernetesClient's models (which are generated from
/// the Kubernetes OpenAPI spec): every field the models know, with its type and the API's description, so that
/// <c>kubectl explain</c> reads like a real cluster's and strict field validation knows every real field. Required
/// fields, enums and the built-in kinds' validation are not carried (the server does not validate built-in types).
/// </summary>
internal static partial class ModelSchemas
{
    private const string MetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private static readonly ConcurrentDictionary<Type, (JsonObject Schema, Type[] Uses)> Generated = new();
    private static readonly Lazy<IReadOnlyDictionary<(string Group, string Version, string Kind), Type>> Kinds = new(() =>
        typeof(V1Pod).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(e => e.Entity is not null)
            .GroupBy(e => (e.Entity!.Group ?? string.Empty, e.Entity.ApiVersion, e.Entity.Kind))
            .ToDictionary(g => g.Key, g => g.First().Type));

    private static readonly HashSet<string> MetaTypes =
    [
        "ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "OwnerReference", "ManagedFieldsEntry",
        "Status", "StatusDetails", "StatusCause", "Condition", "DeleteOptions", "Preconditions",
    ];

    /// <summary>The KubernetesClient model of a built-in kind, or null when the package has none.</summary>
    public static Type? ModelOf(string group, string version, string kind) => Kinds.Value.GetValueOrDefault((group, version, kind));

    /// <summary>The component name of a model type: io.k8s.api.apps.v1.Deployment, io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.</summary>
    public static string NameOf(Type type)
    {
        if (type == typeof(IntOrString))
        {
            return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
        }

        if (type == typeof(ResourceQuantity))
        {
            return "io.k8s.apimachinery.pkg.api.resource.Quantity";
        }

        var match = ModelName().Match(type.Name);
        if (!match.Success)
        {
            return "io.k8s.api." + type.Name;
        }

        var version = "v" + match.Groups["version"].Value;
        var name = match.Groups["name"].Value;
        if (version == "v1" && MetaTypes.Contains(name))
        {
            return MetaPrefix + name;
        }

        var group = type.GetCustomAttribute<KubernetesEntityAttribute>()?.Group is { } entityGroup
            ? (entityGroup.Length == 0 ? "core" : entityGroup.Split('.')[0])
            : match.Groups["group"].Value.ToLowerInvariant();
        return group == "apiextensions"
            ? $"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{version}.{name}"
            : $"io.k8s.api.{(group.Length > 0 ? group + "." : string.Empty)}{version}.{name}";
    }

    /// <summary>The component schemas of <paramref name="roots"/> and of every model they reach, by component name.</summary>
    public static Dictionary<string, JsonObject> Reachable(IEnumerable<Type> roots)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var pending = new Stack<Type>(roots);
        var seen = new HashSet<Type>();
        while (pending.TryPop(out var type))
        {
            if (!seen.Add(type))
            {
                continue;
            }

            var (schema, uses) = Generated.GetOrAdd(type, Generate);
            result[NameOf(type)] = (JsonObject)schema.DeepClone();
            foreach (var used in uses)
            {
                pending.Push(used);
            }
        }

        return result;
    }

    /// <summary>A reference to a component, as the API server writes one for a field.</summary>
    public static JsonObject Ref(string component, string? description = null)
    {
        var schema = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + component }) };
        if (description is not null)
        {
            schema["description"] = description;
        }

        return schema;
    }

    private static (JsonObject, Type[]) Generate(Type type)
    {
        var uses = new HashSet<Type>();
        if (type == typeof(IntOrString))
        {
            return (new JsonObject { ["type"] = "string", ["format"] = "int-or-string", ["description"] = ModelDescriptions.Of("T:k8s.Models.IntOrString") }, []);
        }

        if (type == typeof(ResourceQuantity))
        {
            return (new JsonObject { ["type"] = "string", ["description"] = ModelDescriptions.Of("T:k8s.Models.ResourceQuantity") }, []);
        }

        var properties = new JsonObject();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name is not { } name)
            {
                continue;
            }

            var description = ModelDescriptions.Of($"P:{type.FullName}.{property.Name}");
            var schema = Field(property.PropertyType, uses);
            if (description is not null && schema["description"] is null)
            {
                schema["description"] = description;
            }

            properties[name] = schema;
        }

        var result = new JsonObject { ["type"] = "object" };
        if (ModelDescriptions.Of($"T:{type.FullName}") is { } typeDescription)
        {
            result["description"] = typeDescription;
        }

        result["properties"] = properties;
        if (type.GetCustomAttribute<KubernetesEntityAttribute>() is { } entity)
        {
            result["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
            {
                ["group"] = entity.Group ?? string.Empty,
                ["kind"] = entity.Kind,
                ["version"] = entity.ApiVersion,
            });
        }

        return (result, [.. uses]);
    }

    private static JsonObject Field(Type type, HashSet<Type> uses)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }

        if (type == typeof(DateTime))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(byte[]))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        }

        if (type == typeof(object))
        {
            // Any JSON (RawExtension, apiextensions JSON): the API server's schema says nothing more either.
            return [];
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var generic
            && (generic == typeof(IDictionary<,>) || generic == typeof(Dictionary<,>)))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Field(type.GetGenericArguments()[1], uses) };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var list
            && (list == typeof(IList<>) || list == typeof(List<>)))
        {
            return new JsonObject { ["type"] = "array", ["items"] = Field(type.GetGenericArguments()[0], uses) };
        }

        uses.Add(type);
        return Ref(NameOf(type));
    }

    [GeneratedRegex(@"^(?:(?<group>[A-Z][a-z]+)v|V)(?<version>\d+(?:alpha\d+|beta\d+)?)(?<name>[A-Z]\w*)$")]
    private static partial Regex ModelName();
}
