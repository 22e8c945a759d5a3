using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.OpenApi;
using Autotune.KubeApi.Resources;
using Autotune.KubeApi.Validation;
using Microsoft.AspNetCore.Http;

namespace Autotune.KubeApi.Http;

/// <summary>
/// The fieldValidation query parameter of create, update and patch, as the API server honours it: Strict refuses an
/// object with fields its kind's schema does not declare (400 BadRequest, <c>strict decoding error: unknown field
/// "spec.foo"</c>), Warn (the default) answers a <c>Warning: 299 - "unknown field \"spec.foo\""</c> header per field,
/// Ignore says nothing. The unknown fields are then pruned (custom resources) or kept (built-in kinds, which this
/// server stores as sent).
/// </summary>
internal sealed class FieldValidation
{
    private readonly HttpResponse _response;
    private readonly string _directive;

    public FieldValidation(HttpRequest request)
    {
        _response = request.HttpContext.Response;
        var value = request.Query["fieldValidation"].ToString();
        _directive = value switch
        {
            "" => "Warn",
            "Strict" or "Warn" or "Ignore" => value,
            _ => throw KubeApiException.BadRequest($"fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\", got \"{value}\""),
        };
    }

    /// <summary>Checks a created or replaced object (<paramref name="patched"/>: the result of a patch, whose error names no kind).</summary>
    public void Check(ResourceType type, string version, JsonObject proposed, JsonObject? current, bool patched)
    {
        if (_directive == "Ignore" || TypeSchema.Of(type, version) is not { } schema)
        {
            return;
        }

        var unknown = UnknownFields.Find(proposed, schema);
        if (current is not null && unknown.Count > 0)
        {
            // Only what this request adds: a built-in object may already hold fields an earlier Ignore let through.
            unknown = [.. unknown.Except(UnknownFields.Find(current, schema))];
        }

        if (unknown.Count == 0)
        {
            return;
        }

        var fields = unknown.Select(f => $"unknown field \"{f}\"").ToList();
        if (_directive == "Strict")
        {
            var error = $"strict decoding error: {string.Join(", ", fields)}";
            throw KubeApiException.BadRequest(patched ? error : $"{type.Kind} in version \"{version}\" cannot be handled as a {type.Kind}: {error}");
        }

        foreach (var field in fields)
        {
            _response.Headers.Append("Warning", $"299 - \"{field.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }
    }
}
