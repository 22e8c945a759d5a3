using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SampleApi.Hosting;

namespace SampleApi.Middleware;

/// <summary>
/// 413 for a body over the limit: at once when Content-Length says so, and while reading a chunked body
/// (Kestrel stops at the per-request limit set here). The batch import has its own, larger limit.
/// </summary>
internal sealed class RequestBodyLimit(RequestDelegate next, IOptions<SampleApiOptions> options, IProblemDetailsService problems)
{
    private const string BatchPath = "/users/batch";
    private readonly long _limit = options.Value.MaxRequestBodyBytes;
    private readonly long _batchLimit = options.Value.MaxBatchBodyBytes;

    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.Request.Path.Equals(BatchPath, StringComparison.OrdinalIgnoreCase) ? _batchLimit : _limit;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status413PayloadTooLarge, Title = "Payload Too Large", Detail = $"the body may be at most {limit} bytes" },
            }).AsTask();
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(context);
    }
}
