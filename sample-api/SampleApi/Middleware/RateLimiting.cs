using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SampleApi.Hosting;

namespace SampleApi.Middleware;

/// <summary>A token bucket over all callers: beyond it, 429 with Retry-After, before any body is read.</summary>
internal static class RateLimiting
{
    public static IServiceCollection AddSampleRateLimiting(this IServiceCollection services, SampleApiOptions options)
    {
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.RateLimitBurst,
            TokensPerPeriod = Math.Max(1, options.RateLimitPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        return services.AddRateLimiter(limiter =>
        {
            // One bucket for the API; partition by caller (e.g. the API key) where callers must not starve each other.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetTokenBucketLimiter("api", _ => bucket));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejected;
        });
    }

    private static async ValueTask OnRejected(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        var http = rejected.HttpContext;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too Many Requests", Detail = $"retry after {retryAfter} s" },
        });
    }
}
