using System.Diagnostics;
using Microsoft.Extensions.Options;
using SampleApi.Hosting;

namespace SampleApi.Middleware;

/// <summary>Logs every request at Debug, and at Warning those that failed on the server or were slow.</summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger, IOptions<SampleApiOptions> options)
{
    private readonly long _slowTicks = options.Value.SlowRequestMilliseconds * Stopwatch.Frequency / 1000;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var elapsed = Stopwatch.GetTimestamp() - started;
            var status = context.Response.StatusCode;
            if (status >= 500 || elapsed > _slowTicks)
            {
                LogNotable(logger, context.Request.Method, context.Request.Path.Value, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else if (logger.IsEnabled(LogLevel.Debug))
            {
                LogRequest(logger, context.Request.Method, context.Request.Path.Value, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} -> {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogNotable(ILogger logger, string method, string? path, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogRequest(ILogger logger, string method, string? path, int status, double elapsedMs);
}
