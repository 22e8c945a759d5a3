using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Resources;
using Microsoft.AspNetCore.Http;

namespace Autotune.KubeApi.Tables;

/// <summary>
/// Server-side printing: a get, list or watch whose Accept asks for <c>application/json;as=Table;g=meta.k8s.io;v=v1</c>
/// (what kubectl get sends) is answered with a meta.k8s.io/v1 Table: the kind's columns (a CRD's
/// additionalPrinterColumns, or the built-in printers' columns) and a row per object carrying the object as
/// includeObject asks (Metadata by default: a PartialObjectMetadata).
/// </summary>
internal sealed class TableResponses(ResourceType type, string version, string includeObject)
{
    /// <summary>The table asked for by <paramref name="request"/>, or null when it asks for plain JSON.</summary>
    public static TableResponses? For(HttpRequest request, ResourceType type, string version)
    {
        var accept = request.Headers.Accept.ToString();
        if (!accept.Contains("as=Table", StringComparison.Ordinal) || !accept.Contains("g=meta.k8s.io", StringComparison.Ordinal))
        {
            return null;
        }

        var include = request.Query["includeObject"].ToString();
        return include is "" or "Metadata" or "Object" or "None"
            ? new TableResponses(type, version, include.Length == 0 ? "Metadata" : include)
            : throw KubeApiException.BadRequest($"includeObject must be one of None, Metadata or Object, got \"{include}\"");
    }

    /// <summary>A Table of the objects (a list, or a get of one object, or one watch event).</summary>
    public JsonObject Of(IEnumerable<JsonObject> objects, string? resourceVersion)
    {
        var columns = type.PrinterColumns?.GetValueOrDefault(version) is { } printer ? PrinterColumns.Of(printer) : BuiltInColumns.Of(type);
        var now = DateTimeOffset.UtcNow;
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var row = new JsonObject { ["cells"] = new JsonArray([.. columns.Select(c => c.Cell(obj, now))]) };
            if (includeObject != "None")
            {
                row["object"] = includeObject == "Object" ? obj.DeepClone() : new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                };
            }

            rows.Add(row);
        }

        var metadata = new JsonObject();
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray([.. columns.Select(c => (JsonNode)c.Definition())]),
            ["rows"] = rows,
        };
    }
}
