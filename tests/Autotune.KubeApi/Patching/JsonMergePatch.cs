using System.Text.Json.Nodes;

namespace Autotune.KubeApi.Patching;

/// <summary>RFC 7386 JSON merge patch (application/merge-patch+json) over JsonNode.</summary>
public static class JsonMergePatch
{
    /// <summary>The target with the patch merged in: objects merge key by key, null removes, anything else replaces.</summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Apply(result[key], value);
            }
        }

        return result;
    }
}
