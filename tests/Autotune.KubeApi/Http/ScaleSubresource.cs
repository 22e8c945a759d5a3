using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Patching;
using Autotune.KubeApi.Resources;
using Microsoft.AspNetCore.Http;

namespace Autotune.KubeApi.Http;

/// <summary>The scale subresource of Deployments and StatefulSets: an autoscaling/v1 Scale read from and written to spec.replicas.</summary>
internal sealed class ScaleSubresource(ApiContext api)
{
    public async Task<JsonObject> HandleAsync(HttpRequest request, RequestTarget target, ResourceType type)
    {
        var ns = target.Namespace ?? string.Empty;
        var name = target.Name!;
        if (request.Method == "GET")
        {
            return ToScale(api.Store.Get(type, ns, name));
        }

        var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted)
            ?? throw KubeApiException.BadRequest("empty body");
        var contentType = request.ContentType?.Split(';')[0].Trim();
        var updated = api.Store.Update(type, ns, name, current =>
        {
            var scale = request.Method switch
            {
                "PUT" => body.AsObject(),
                "PATCH" when contentType == "application/merge-patch+json" => JsonMergePatch.Apply(ToScale(current), body)!.AsObject(),
                "PATCH" when contentType == "application/json-patch+json" => JsonPatch.Apply(ToScale(current), body.AsArray()).AsObject(),
                "PATCH" => throw new KubeApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (got {contentType})"),
                _ => throw new KubeApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
            };
            var replicas = (int?)scale["spec"]?["replicas"] ?? 0;
            if (replicas < 0)
            {
                throw KubeApiException.Invalid(type, name, [new("FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas")]);
            }

            current["spec"] ??= new JsonObject();
            current["spec"]!["replicas"] = replicas;
            current["metadata"]!["resourceVersion"] = scale["metadata"]?["resourceVersion"]?.DeepClone();
            return current;
        });
        return ToScale(updated);
    }

    private static JsonObject ToScale(JsonObject obj)
    {
        var metadata = obj["metadata"]!;
        var matchLabels = obj["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [];
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = (int?)obj["spec"]?["replicas"] ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = (int?)obj["status"]?["replicas"] ?? 0,
                ["selector"] = string.Join(",", matchLabels.Select(l => $"{l.Key}={(string?)l.Value}")),
            },
        };
    }
}
