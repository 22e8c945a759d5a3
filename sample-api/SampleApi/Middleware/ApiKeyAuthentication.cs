using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SampleApi.Endpoints;
using SampleApi.Hosting;

namespace SampleApi.Middleware;

/// <summary>
/// The first middleware: a request without the API key (as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>)
/// is answered 401 before anything else reads its body, routes it or logs it.
/// </summary>
internal sealed class ApiKeyAuthentication
{
    private const string ApiKeyHeader = "X-Api-Key";
    private const string BearerPrefix = "Bearer ";
    private static readonly byte[] Problem = Encoding.UTF8.GetBytes(
        """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.2","title":"Unauthorized","status":401,"detail":"send the API key as X-Api-Key or Authorization: Bearer"}""");

    private readonly RequestDelegate _next;
    private readonly byte[] _key;

    public ApiKeyAuthentication(RequestDelegate next, IOptions<SampleApiOptions> options)
    {
        _next = next;
        if (string.IsNullOrEmpty(options.Value.ApiKey))
        {
            throw new InvalidOperationException("SampleApi:ApiKey (env SampleApi__ApiKey) must be set");
        }

        _key = Encoding.UTF8.GetBytes(options.Value.ApiKey);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (IsAuthenticated(context.Request) || IsAnonymous(context.Request.Path))
        {
            return _next(context);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/problem+json";
        return context.Response.Body.WriteAsync(Problem).AsTask();
    }

    private bool IsAuthenticated(HttpRequest request)
    {
        var headers = request.Headers;
        var apiKey = headers[ApiKeyHeader];
        if (apiKey.Count == 1)
        {
            return Matches(apiKey[0]);
        }

        var authorization = headers.Authorization;
        return authorization.Count == 1
            && authorization[0] is { } value
            && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            && Matches(value.AsSpan(BearerPrefix.Length).Trim().ToString());
    }

    private static bool IsAnonymous(PathString path) =>
        Array.Exists(HealthEndpoints.AnonymousPaths, p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    // Constant time in the key's length: the comparison does not reveal how much of a guess was right.
    private bool Matches(string? presented)
    {
        if (presented is null || presented.Length > 1024)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..length], _key);
    }
}
