using System.Text.Json.Nodes;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Patching;
using Autotune.KubeApi.Protobuf;
using Autotune.KubeApi.Resources;
using Autotune.KubeApi.Selection;
using Autotune.KubeApi.Tables;
using Microsoft.AspNetCore.Http;

namespace Autotune.KubeApi.Http;

/// <summary>
/// The verbs on a resource path: get, list, create, update, patch (merge and JSON patch), delete, and the status
/// subresource, which changes only status while the main endpoint leaves status alone.
/// </summary>
internal sealed class ResourceHandler(ApiContext api)
{
    public async Task<(int Code, JsonObject Body)> HandleAsync(HttpRequest request, RequestTarget target, ResourceType type)
    {
        var ns = target.Namespace ?? string.Empty;
        var version = target.Version;
        switch (request.Method, target.Name, target.Subresource)
        {
            case ("GET", null, _):
                return (200, List(request, type, target));
            case ("GET", { } name, _):
                var found = ObjectShapes.AsServed(api.Store.Get(type, ns, name), type, version);
                return (200, TableResponses.For(request, type, version) is { } table ? table.Of([found], null) : found);
            case ("POST", null, null):
                return (201, Create(type, target, await ReadObjectAsync(request), new FieldValidation(request)));
            case ("PUT", { } name, null):
                return (200, Replace(type, target, name, await ReadObjectAsync(request), statusOnly: false, new FieldValidation(request)));
            case ("PUT", { } name, "status"):
                return (200, Replace(type, target, name, await ReadObjectAsync(request), statusOnly: true, new FieldValidation(request)));
            case ("PATCH", { } name, var sub):
                var validation = new FieldValidation(request);
                var patch = await ReadPatchAsync(request, type);
                return (200, Patch(type, target, name, patch, sub == "status", validation));
            case ("DELETE", { } name, null):
                return (200, await DeleteAsync(request, type, ns, name, version));
            default:
                throw new KubeApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        }
    }

    private JsonObject List(HttpRequest request, ResourceType type, RequestTarget target)
    {
        var labels = LabelSelector.Parse(request.Query["labelSelector"]);
        var fields = FieldSelector.Parse(request.Query["fieldSelector"]);
        var (items, rv) = api.Store.List(type, target.Namespace);
        // Selectors see the object as this version serves it (regarding.kind on events.k8s.io, involvedObject.kind on core).
        var served = items.Select(i => ObjectShapes.AsServed(i, type, target.Version)).Where(i => labels.Matches(i) && fields.Matches(i));
        var list = ObjectShapes.List(type, target.Version, served, rv);
        return TableResponses.For(request, type, target.Version) is { } table
            ? table.Of(list["items"]!.AsArray().Select(i => i!.AsObject()), (string?)list["metadata"]!["resourceVersion"])
            : list;
    }

    private JsonObject Create(ResourceType type, RequestTarget target, JsonObject body, FieldValidation validation)
    {
        validation.Check(type, target.Version, body, current: null, patched: false);
        var ns = target.Namespace ?? string.Empty;
        var metadata = body["metadata"] as JsonObject ?? [];
        body["metadata"] = metadata;
        if ((string?)metadata["namespace"] is { Length: > 0 } bodyNamespace && bodyNamespace != ns)
        {
            throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        var name = (string?)metadata["name"] ?? string.Empty;
        if (name.Length == 0 && (string?)metadata["generateName"] is not { Length: > 0 })
        {
            throw KubeApiException.Invalid(type, name, [new("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
        }

        metadata.Remove("resourceVersion");
        if (type.HasStatus)
        {
            body.Remove("status");
        }

        if (type == BuiltInResources.Namespaces)
        {
            // The namespace controller's first word: a new namespace is Active (there is no Terminating phase here).
            body["status"] = new JsonObject { ["phase"] = "Active" };
        }

        body = ObjectShapes.AsServed(body, type, target.Version);
        body = api.Validator.Admit(type, target.Version, body, name);
        if (type == BuiltInResources.CustomResourceDefinitions)
        {
            CustomResourceDefinitions.Accept(body);
        }

        var created = api.Store.Create(type, ns, EventConversion.ToStored(SecretData.Normalize(body, type), type));
        if (type == BuiltInResources.CustomResourceDefinitions)
        {
            api.Catalog.Register(created);
        }

        return ObjectShapes.AsServed(created, type, target.Version);
    }

    private JsonObject Replace(ResourceType type, RequestTarget target, string name, JsonObject body, bool statusOnly, FieldValidation validation)
    {
        if ((string?)body["metadata"]?["name"] is { } bodyName && bodyName != name)
        {
            throw KubeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        return Write(type, target, name, statusOnly, validation, patched: false, _ => body);
    }

    private JsonObject Patch(ResourceType type, RequestTarget target, string name, (string ContentType, JsonNode Body) patch, bool statusOnly, FieldValidation validation) =>
        Write(type, target, name, statusOnly, validation, patched: true, current => patch.ContentType switch
        {
            "application/merge-patch+json" => JsonMergePatch.Apply(current, patch.Body) as JsonObject
                ?? throw KubeApiException.BadRequest("the patch does not leave an object"),
            "application/strategic-merge-patch+json" => StrategicMergePatch.Apply(current, patch.Body) as JsonObject
                ?? throw KubeApiException.BadRequest("the patch does not leave an object"),
            _ => JsonPatch.Apply(current, patch.Body as JsonArray ?? throw KubeApiException.BadRequest("a JSON patch must be an array")) as JsonObject
                ?? throw KubeApiException.BadRequest("the patch does not leave an object"),
        });

    private JsonObject Write(ResourceType type, RequestTarget target, string name, bool statusOnly, FieldValidation validation, bool patched, Func<JsonObject, JsonObject> change)
    {
        if (statusOnly && !type.HasStatus)
        {
            throw KubeApiException.NotFound(type, name);
        }

        var ns = target.Namespace ?? string.Empty;
        var updated = api.Store.Update(type, ns, name, current =>
        {
            var served = ObjectShapes.AsServed(current, type, target.Version);
            var proposed = change(served.DeepClone().AsObject());
            validation.Check(type, target.Version, proposed, served, patched);
            JsonObject candidate;
            if (statusOnly)
            {
                candidate = current;
                candidate["status"] = proposed["status"]?.DeepClone();
                candidate["metadata"]!["resourceVersion"] = proposed["metadata"]?["resourceVersion"]?.DeepClone();
            }
            else
            {
                candidate = proposed;
                if (type.HasStatus)
                {
                    candidate["status"] = current["status"]?.DeepClone();
                }
            }

            if (candidate["status"] is null)
            {
                candidate.Remove("status");
            }

            candidate = ObjectShapes.AsServed(candidate, type, target.Version);
            if (type == BuiltInResources.CustomResourceDefinitions && !statusOnly)
            {
                CustomResourceDefinitions.Accept(candidate);
            }

            return EventConversion.ToStored(SecretData.Normalize(api.Validator.Admit(type, target.Version, candidate, name), type), type);
        });
        if (type == BuiltInResources.CustomResourceDefinitions)
        {
            api.Catalog.Register(updated);
        }

        return ObjectShapes.AsServed(updated, type, target.Version);
    }

    private async Task<JsonObject> DeleteAsync(HttpRequest request, ResourceType type, string ns, string name, string version)
    {
        var options = request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0
            ? await ReadBodyAsync(request) as JsonObject
            : null;
        var deleted = api.Store.Delete(type, ns, name, (string?)options?["preconditions"]?["uid"]);
        if (type == BuiltInResources.CustomResourceDefinitions && api.Catalog.Unregister(deleted) is { } served)
        {
            api.Store.DeleteAll(served);
        }

        var pending = deleted["metadata"]?["deletionTimestamp"] is not null;
        return pending || type.Schemas is not null
            ? ObjectShapes.AsServed(deleted, type, version)
            : StatusObjects.Success(name, type.Group, type.Plural, (string?)deleted["metadata"]?["uid"]);
    }

    private static async Task<(string, JsonNode)> ReadPatchAsync(HttpRequest request, ResourceType type)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim() ?? string.Empty;
        // As the API server: custom resources take no strategic merge patch (their schemas declare no merge keys).
        var strategic = type.Schemas is null;
        if (contentType is not ("application/merge-patch+json" or "application/json-patch+json") && !(strategic && contentType == "application/strategic-merge-patch+json"))
        {
            var accepted = strategic ? "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json" : "application/json-patch+json, application/merge-patch+json";
            throw new KubeApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {accepted} (got {contentType})");
        }

        return (contentType, await ReadBodyAsync(request) ?? throw KubeApiException.BadRequest("empty patch"));
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request) =>
        await ReadBodyAsync(request) as JsonObject ?? throw KubeApiException.BadRequest("the request body is not an object");

    private static async Task<JsonNode?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentType?.Split(';')[0].Trim() == KubeProtobuf.MediaType)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            return KubeProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw KubeApiException.BadRequest($"the request body is not JSON: {e.Message}");
        }
    }
}
