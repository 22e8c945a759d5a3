using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SampleApi.Hosting;

namespace SampleApi.Middleware;

/// <summary>
/// A token bucket over all callers: beyond it, 429 with Retry-After, before any body is read. One
/// <see cref="TokenBucketRateLimiter"/> used directly: ASP.NET Core's rate-limiting middleware with a global
/// partitioned limiter cost about 650 bytes of allocations and a partition lookup per request for the same single
/// bucket (measured by bench/sample-api/run.sh). Partition by caller (e.g. the API key) where callers must not
/// starve each other.
/// </summary>
internal sealed class RateLimiting : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket;

    public RateLimiting(IOptions<SampleApiOptions> options)
    {
        var settings = options.Value;
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.RateLimitBurst,
            TokensPerPeriod = Math.Max(1, settings.RateLimitPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public void Dispose() => _bucket.Dispose();

    /// <summary>The middleware: lets the request through with a token, answers 429 without one.</summary>
    public Func<HttpContext, RequestDelegate, Task> Middleware => (context, next) =>
    {
        using var lease = _bucket.AttemptAcquire();
        return lease.IsAcquired ? next(context) : RejectAsync(context, lease);
    };

    private static async Task RejectAsync(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests", Detail = $"retry after {retryAfter} s" },
        });
    }
}

/// <summary>Registers and uses <see cref="RateLimiting"/>.</summary>
internal static class RateLimitingExtensions
{
    public static IServiceCollection AddSampleRateLimiting(this IServiceCollection services) => services.AddSingleton<RateLimiting>();

    public static IApplicationBuilder UseSampleRateLimiting(this IApplicationBuilder app) =>
        app.Use(app.ApplicationServices.GetRequiredService<RateLimiting>().Middleware);
}
