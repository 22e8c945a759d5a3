using Autotune.Agent;
using Microsoft.Extensions.Options;
using SampleApi.Endpoints;
using SampleApi.Middleware;

namespace SampleApi.Hosting;

/// <summary>The middleware, in order of what a rejection costs, and the endpoints.</summary>
public static class SampleApiPipeline
{
    /// <summary>
    /// Shedding first (a request that already waited past the deadline is answered 503 before anything else runs for
    /// it), then authentication (nothing runs for a caller without the key), rate limiting (429), the body limit
    /// (413), logging, error handling, and response compression last before routing.
    /// </summary>
    public static WebApplication UseSampleApi(this WebApplication app)
    {
        app.UseAutotuneShedding();
        if (app.Services.GetRequiredService<IOptions<SampleApiOptions>>().Value.BareEndpoint)
        {
            app.UseBareEndpoint();
        }

        app.UseMiddleware<ApiKeyAuthentication>();
        app.UseSampleRateLimiting();
        app.UseMiddleware<RequestBodyLimit>();
        app.UseMiddleware<RequestLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseResponseCompression();
        app.UseRouting();
        return app;
    }

    /// <summary>Maps every endpoint.</summary>
    public static WebApplication MapSampleApi(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapUserEndpoints();
        app.MapReportEndpoints();
        return app;
    }
}
