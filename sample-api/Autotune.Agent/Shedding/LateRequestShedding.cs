using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Autotune.Agent.Shedding;

/// <summary>
/// Answers 503 at once, without running the rest of the pipeline, a request that has waited longer than the deadline
/// before the app got to it: its caller has most likely given up, and serving it would only delay the requests behind
/// it. The wait is the thread pool's queue delay (<see cref="ThreadPoolQueueDelay"/>): Kestrel takes no arrival time.
/// </summary>
internal sealed class LateRequestShedding(ThreadPoolQueueDelay delay, SheddingMetrics metrics, ShedDeadline deadlines)
{
    private const string ProblemJson = "application/problem+json";

    /// <summary>The middleware: a read when shedding is off; for a request that goes on, three reads, a comparison and its deadline set on its flow.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var deadline = deadlines.Current;
        if (deadline <= TimeSpan.Zero)
        {
            return next(context);
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            // The caller closed the connection while the request queued: nobody reads an answer.
            metrics.RecordCallerGone();
            return Task.CompletedTask;
        }

        var waited = delay.Current;
        return waited > deadline
            ? ShedAsync(context, waited, deadline)
            : PassAsync(context, next, new RequestDeadline(Stopwatch.GetTimestamp() - (long)(waited.TotalSeconds * Stopwatch.Frequency), deadline, metrics));
    }

    // An async method, so the deadline set here flows into the request and not back into Kestrel's connection loop.
    private static async Task PassAsync(HttpContext context, RequestDelegate next, RequestDeadline request)
    {
        RequestDeadline.Current = request;
        await next(context);
    }

    private Task ShedAsync(HttpContext context, TimeSpan waited, TimeSpan deadline)
    {
        metrics.RecordWaited();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = "1";
        response.Headers.CacheControl = "no-store";
        response.ContentType = ProblemJson;
        var body = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"type":"https://tools.ietf.org/html/rfc9110#section-15.6.4","title":"Service Unavailable","status":503,"detail":"the request waited about {{waited.TotalMilliseconds:0}} ms before the app got to it, past the {{deadline.TotalMilliseconds:0}} ms deadline; retry after 1 s"}"""));
        response.ContentLength = body.Length;

        // A caller already gone costs nothing more: Kestrel drops what is written to an aborted connection.
        return response.Body.WriteAsync(body).AsTask();
    }
}
