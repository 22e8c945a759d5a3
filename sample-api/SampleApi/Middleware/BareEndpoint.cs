namespace SampleApi.Middleware;

/// <summary>
/// The benchmark's baseline: GET /bare answered before every middleware, measuring what Kestrel alone costs.
/// Only mapped when <c>SampleApi:BareEndpoint</c> is true.
/// </summary>
internal static class BareEndpoint
{
    private static readonly byte[] Body = "ok"u8.ToArray();

    public static IApplicationBuilder UseBareEndpoint(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!context.Request.Path.Equals("/bare", StringComparison.Ordinal))
            {
                return next(context);
            }

            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
}
