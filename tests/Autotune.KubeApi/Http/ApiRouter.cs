using System.Diagnostics;
using System.Text.Json.Nodes;
using Autotune.KubeApi.Authorization;
using Autotune.KubeApi.Errors;
using Autotune.KubeApi.Observation;
using Autotune.KubeApi.OpenApi;
using Microsoft.AspNetCore.Http;

namespace Autotune.KubeApi.Http;

/// <summary>
/// Handles every request: authenticates it (bearer token) and authorises it (RBAC), applies injected faults, answers discovery, dispatches resource paths to the verbs, the
/// scale subresource or a watch, renders refusals as v1 Status objects and logs the request.
/// </summary>
internal sealed class ApiRouter(ApiContext api, RequestLog log)
{
    private readonly ResourceHandler _resources = new(api);
    private readonly ScaleSubresource _scale = new(api);
    private readonly WatchStream _watch = new(api);

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var watch = request.Query["watch"] is { Count: > 0 } w && (w == "true" || w == "1");
        string? user = null;
        try
        {
            var identity = Authenticate(request);
            user = identity.Name;
            RequestUser.Current = user;
            identity.Authorizer?.Authorize(request.Method, path, watch);
            await DispatchAsync(context, path, watch);
        }
        catch (KubeApiException refusal)
        {
            await WriteAsync(context.Response, refusal.Code, refusal.ToStatus());
        }
        catch (Exception bug) when (bug is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A defect in this server, answered as the API server answers its own: 500 InternalError, with the cause.
            await WriteAsync(context.Response, 500, StatusObjects.Failure(500, "InternalError", $"Internal error occurred: {bug}"));
        }
        finally
        {
            log.Add(new RequestRecord(
                request.Method, path, request.QueryString.Value ?? string.Empty, RequestLog.VerbOf(request.Method, path, watch),
                context.Response.StatusCode, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(started), user));
        }
    }

    private async Task DispatchAsync(HttpContext context, string path, bool watch)
    {
        var request = context.Request;
        if (api.Faults.Match(request.Method, path) is { } fault)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay, context.RequestAborted);
            }

            if (fault.Status is { } code)
            {
                throw new KubeApiException(code, StatusObjects.ReasonFor(code), $"injected fault: {request.Method} {path} answered {code}");
            }
        }

        if (request.Method == "GET" && Discovery.Answer(path, api.Catalog, $"{request.Host}") is { } document)
        {
            await WriteAsync(context.Response, 200, document);
            return;
        }

        if (request.Method == "GET" && path.StartsWith("/openapi/", StringComparison.Ordinal))
        {
            await WriteAsync(context.Response, 200, OpenApiV3.Answer(path, api.Catalog) ?? throw NotFound());
            return;
        }

        var target = RequestTarget.Parse(path) ?? throw NotFound();
        var type = api.Catalog.Find(target.Group, target.Version, target.Plural) ?? throw NotFound();
        if ((target.Namespace is not null && !type.Namespaced) || (target.Namespace is null && type.Namespaced && target.Name is not null))
        {
            throw NotFound();
        }

        if (target.Subresource is { } sub && !(sub == "status" && type.HasStatus) && !(sub == "scale" && type.HasScale))
        {
            throw NotFound();
        }

        if (watch && request.Method == "GET" && target.Name is null)
        {
            await _watch.RunAsync(context, target, type);
        }
        else if (target.Subresource == "scale")
        {
            await WriteAsync(context.Response, 200, await _scale.HandleAsync(request, target, type));
        }
        else
        {
            var (code, body) = await _resources.HandleAsync(request, target, type);
            await WriteAsync(context.Response, code, body);
        }
    }

    /// <summary>
    /// The user a request is made as: the one its bearer token names (an unknown token answers 401 Unauthorized, as
    /// the API server answers it), else the anonymous user, decided by <see cref="KubeApiServerOptions.Authorizer"/>.
    /// </summary>
    private KubeUser Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return api.Options.Authorizer is { } anonymous ? KubeUser.Of(anonymous) : new KubeUser(KubeUser.Anonymous);
        }

        return api.Options.Tokens.TryGetValue(header["Bearer ".Length..].Trim(), out var user)
            ? user
            : throw new KubeApiException(401, "Unauthorized", "Unauthorized");
    }

    private static KubeApiException NotFound() => new(404, "NotFound", "the server could not find the requested resource");

    private static async Task WriteAsync(HttpResponse response, int code, JsonObject body)
    {
        response.StatusCode = code;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString());
    }
}
