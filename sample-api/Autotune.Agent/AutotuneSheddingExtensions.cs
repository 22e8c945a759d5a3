using Autotune.Agent.Shedding;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Autotune.Agent;

/// <summary>Adds the agent's load shedding to an application's pipeline.</summary>
public static class AutotuneSheddingExtensions
{
    /// <summary>
    /// Answers 503 (ProblemDetails, <c>Retry-After: 1</c>) at once, without running the rest of the pipeline, a request
    /// that waited longer than the shedding deadline before the app got to it, and counts it in
    /// <c>autotune_http_requests_shed_total</c>. The deadline is the tuning file's <c>shedAfterMilliseconds</c> when it
    /// sets one, else <see cref="AutotuneAgentOptions.ShedAfter"/>; with neither, requests go straight on. Put it
    /// first: the cheapest rejection comes before any other work. Needs <see cref="AutotuneAgentExtensions.AddAutotuneAgent"/>.
    /// </summary>
    public static IApplicationBuilder UseAutotuneShedding(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var deadline = services.GetService<ShedDeadline>()
            ?? throw new InvalidOperationException("UseAutotuneShedding needs the agent: call builder.AddAutotuneAgent() first.");
        var shedding = new LateRequestShedding(
            services.GetRequiredService<ThreadPoolQueueDelay>(), services.GetRequiredService<SheddingMetrics>(), deadline);
        return app.Use(shedding.InvokeAsync);
    }
}
