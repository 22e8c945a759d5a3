using Autotune.Agent.Shedding;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Autotune.Agent;

/// <summary>Adds the agent's load shedding to an application's pipeline.</summary>
public static class AutotuneSheddingExtensions
{
    /// <summary>
    /// Answers 503 (ProblemDetails, <c>Retry-After: 1</c>) at once, without running the rest of the pipeline, a request
    /// that waited longer than <see cref="AutotuneAgentOptions.ShedAfter"/> before the app got to it, and counts it in
    /// <c>autotune_http_requests_shed_total</c>. Put it first: the cheapest rejection comes before any other work.
    /// Without a deadline (the default) it adds nothing to the pipeline. Needs <see cref="AutotuneAgentExtensions.AddAutotuneAgent"/>.
    /// </summary>
    public static IApplicationBuilder UseAutotuneShedding(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var options = services.GetService<AutotuneAgentOptions>()
            ?? throw new InvalidOperationException("UseAutotuneShedding needs the agent: call builder.AddAutotuneAgent() first.");
        if (options.ShedAfter is not { } deadline || deadline <= TimeSpan.Zero)
        {
            return app;
        }

        var shedding = new LateRequestShedding(
            services.GetRequiredService<ThreadPoolQueueDelay>(), services.GetRequiredService<SheddingMetrics>(), deadline);
        return app.Use(shedding.InvokeAsync);
    }
}
