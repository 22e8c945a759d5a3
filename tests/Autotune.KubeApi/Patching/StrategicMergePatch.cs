using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Patching;

/// <summary>
/// Strategic merge patch (application/strategic-merge-patch+json), what kubectl apply and helm upgrade send for
/// built-in kinds: a JSON merge patch whose lists of objects merge item by item on their merge key (containers and
/// env by name, volumeMounts by mountPath, container ports by containerPort, ...) instead of being replaced, with the
/// directives <c>$patch</c> (replace, delete, merge), <c>$setElementOrder/field</c>, <c>$deleteFromPrimitiveList/field</c>
/// and <c>$retainKeys</c>. The merge keys come from a table of the fields the Kubernetes types declare them on, not from
/// the types themselves: a list not in the table is replaced, as a list without a patch strategy is.
/// </summary>
public static class StrategicMergePatch
{
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["imagePullSecrets"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["ownerReferences"] = "uid",
        ["conditions"] = "type",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
        ["secrets"] = "name",
    };

    private static readonly HashSet<string> MergedPrimitiveLists = ["finalizers"];

    /// <summary>The target with the patch applied.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch) =>
        patch is JsonObject patchObject ? Merge(target as JsonObject ?? [], patchObject) : Strip(patch);

    private static JsonObject? Merge(JsonObject original, JsonObject patch)
    {
        switch ((string?)patch["$patch"])
        {
            case "delete":
                return null;
            case "replace":
                return (JsonObject?)Strip(patch);
        }

        var result = original.DeepClone().AsObject();
        foreach (var (key, value) in patch)
        {
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (result[field] is JsonArray list && value is JsonArray remove)
                {
                    var removed = remove.Select(r => r?.ToJsonString()).ToHashSet();
                    result[field] = new JsonArray([.. list.Where(i => !removed.Contains(i?.ToJsonString())).Select(i => i?.DeepClone())]);
                }

                continue;
            }

            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject child)
            {
                if (Merge(result[key] as JsonObject ?? [], child) is { } merged)
                {
                    result[key] = merged;
                }
                else
                {
                    result.Remove(key);
                }
            }
            else if (value is JsonArray items && result[key] is JsonArray current)
            {
                result[key] = MergeList(key, current, items);
            }
            else
            {
                result[key] = Strip(value);
            }
        }

        foreach (var (key, value) in patch.Where(p => p.Key.StartsWith("$setElementOrder/", StringComparison.Ordinal)))
        {
            var field = key["$setElementOrder/".Length..];
            if (result[field] is JsonArray list && value is JsonArray order)
            {
                result[field] = Order(field, list, order);
            }
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => (string?)k).ToHashSet();
            foreach (var name in result.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(name);
            }
        }

        return result;
    }

    private static JsonArray MergeList(string field, JsonArray original, JsonArray patch)
    {
        if (patch.Any(i => i is JsonObject o && (string?)o["$patch"] == "replace"))
        {
            return new JsonArray([.. patch.Where(i => !(i is JsonObject o && (string?)o["$patch"] == "replace")).Select(Strip)]);
        }

        if (MergedPrimitiveLists.Contains(field))
        {
            var result = original.DeepClone().AsArray();
            foreach (var item in patch.Where(i => !original.Any(o => o?.ToJsonString() == i?.ToJsonString())))
            {
                result.Add(item?.DeepClone());
            }

            return result;
        }

        if (KeyOf(field, original, patch) is not { } mergeKey)
        {
            return new JsonArray([.. patch.Select(Strip)]);
        }

        var merged = original.Select(i => i?.DeepClone()).ToList();
        foreach (var item in patch.OfType<JsonObject>())
        {
            var key = item[mergeKey]?.ToJsonString();
            var index = merged.FindIndex(o => o is JsonObject existing && existing[mergeKey]?.ToJsonString() == key);
            if ((string?)item["$patch"] == "delete")
            {
                if (index >= 0)
                {
                    merged.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                merged[index] = Merge((JsonObject)merged[index]!, item);
            }
            else
            {
                merged.Add(Merge([], item));
            }
        }

        return new JsonArray([.. merged.Where(i => i is not null)]);
    }

    private static JsonArray Order(string field, JsonArray list, JsonArray order)
    {
        if (KeyOf(field, list, order) is not { } mergeKey)
        {
            return list;
        }

        var items = list.Select(i => i?.DeepClone()).ToList();
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order.OfType<JsonObject>())
        {
            var index = items.FindIndex(i => i is JsonObject o && o[mergeKey]?.ToJsonString() == wanted[mergeKey]?.ToJsonString());
            if (index >= 0)
            {
                ordered.Add(items[index]);
                items.RemoveAt(index);
            }
        }

        return new JsonArray([.. ordered, .. items]);
    }

    private static string? KeyOf(string field, JsonArray original, JsonArray patch)
    {
        var objects = original.Concat(patch).OfType<JsonObject>().ToList();
        if (objects.Count == 0 || objects.Count != original.Count + patch.Count)
        {
            return null;
        }

        if (field == "ports")
        {
            // Container ports merge on containerPort, a Service's on port.
            return objects.Any(o => o["containerPort"] is not null) ? "containerPort" : "port";
        }

        return MergeKeys.GetValueOrDefault(field);
    }

    private static JsonNode? Strip(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(p => !p.Key.StartsWith('$')).Select(p => KeyValuePair.Create(p.Key, Strip(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Strip)]),
        _ => node?.DeepClone(),
    };
}
