using System.Text.Json.Nodes;
using Autotune.KubeApi.Resources;

namespace Autotune.KubeApi.Http;

/// <summary>Discovery documents: /version, /api, /api/v1, /apis and /apis/{group}/{version}, built from the served types.</summary>
internal static class Discovery
{
    public static JsonObject? Answer(string path, ResourceCatalog catalog, string host)
    {
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var types = catalog.Types;
        return segments switch
        {
            ["version"] => new JsonObject { ["major"] = "1", ["minor"] = "34", ["gitVersion"] = "v1.34.0-autotune-test", ["platform"] = "linux/amd64" },
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = host }),
            },
            ["api", "v1"] => ResourceList(types, string.Empty, "v1"),
            ["apis"] => Groups(types),
            ["apis", var group, var version] when types.Any(t => t.Group == group && t.Versions.Contains(version)) => ResourceList(types, group, version),
            _ => null,
        };
    }

    private static JsonObject Groups(IReadOnlyList<ResourceType> types) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).Select(g =>
        {
            var versions = g.SelectMany(t => t.Versions).Distinct().ToList();
            return (JsonNode)new JsonObject
            {
                ["name"] = g.Key,
                ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)GroupVersion(g.Key, v))]),
                ["preferredVersion"] = GroupVersion(g.Key, versions[0]),
            };
        })]),
    };

    private static JsonObject GroupVersion(string group, string version) => new() { ["groupVersion"] = $"{group}/{version}", ["version"] = version };

    private static JsonObject ResourceList(IReadOnlyList<ResourceType> types, string group, string version)
    {
        var resources = new JsonArray();
        foreach (var type in types.Where(t => t.Group == group && t.Versions.Contains(version)))
        {
            resources.Add(new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray("create", "delete", "get", "list", "patch", "update", "watch"),
                ["shortNames"] = new JsonArray([.. (type.ShortNames ?? []).Select(s => (JsonNode)s)]),
                ["categories"] = new JsonArray([.. type.Categories.Select(c => (JsonNode)c)]),
            });
            foreach (var (sub, kind) in new[] { ("status", type.HasStatus, type.Kind), ("scale", type.HasScale, "Scale") }.Where(s => s.Item2).Select(s => (s.Item1, s.Item3)))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = $"{type.Plural}/{sub}",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
