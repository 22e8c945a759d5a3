using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;

namespace Autotune.KubeApi.Resources;

/// <summary>Checks a CRD has what serving it needs and marks it Established with its accepted names, as the API server does.</summary>
internal static class CustomResourceDefinitions
{
    public static void Accept(JsonObject crd)
    {
        var name = (string?)crd["metadata"]?["name"] ?? string.Empty;
        var spec = crd["spec"];
        var group = (string?)spec?["group"];
        var plural = (string?)spec?["names"]?["plural"];
        var causes = new List<FieldCause>();
        if (group is not { Length: > 0 })
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.group"));
        }

        if (plural is not { Length: > 0 })
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.names.plural"));
        }

        if ((string?)spec?["names"]?["kind"] is not { Length: > 0 })
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.names.kind"));
        }

        if (spec?["versions"] is not JsonArray { Count: > 0 })
        {
            causes.Add(new("FieldValueRequired", "Required value", "spec.versions"));
        }

        if (causes.Count == 0 && name != $"{plural}.{group}")
        {
            causes.Add(new("FieldValueInvalid", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group", "metadata.name"));
        }

        if (causes.Count > 0)
        {
            throw KubeApiException.Invalid(BuiltInResources.CustomResourceDefinitions, name, causes);
        }

        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = spec!["names"]!.DeepClone(),
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found", now),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", now)),
            ["storedVersions"] = new JsonArray([.. spec["versions"]!.AsArray()
                .Where(v => (bool?)v!["storage"] ?? false).Select(v => (JsonNode?)(string?)v!["name"])]),
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string now) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastTransitionTime"] = now,
        ["reason"] = reason,
        ["message"] = message,
    };
}
