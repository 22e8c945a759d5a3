using Autotune.Agent;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace SampleApi.Errors;

/// <summary>
/// Turns failures into ProblemDetails: an unreachable, restarting, overloaded or slow database (or no pooled
/// connection within the wait timeout) is 503 with Retry-After, a duplicate email 409, a body Kestrel refused
/// its own status (413 when too large).
/// </summary>
internal sealed partial class ExceptionProblems(IProblemDetailsService problems, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    private const string RetryAfterSeconds = "1";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(exception);
        if (status is null)
        {
            return false;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            LogUnavailable(logger, exception.GetType().Name, (exception as PostgresException)?.SqlState ?? (exception.InnerException?.GetType().Name ?? "-"));
        }

        httpContext.Response.StatusCode = status.Value;
        var context = new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        };
        if (status == StatusCodes.Status409Conflict)
        {
            context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { ["email"] = ["a user with this email already exists"] };
        }

        return await problems.TryWriteAsync(context);
    }

    internal static (int? Status, string? Title, string? Detail) Classify(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload Too Large" : "Bad Request", bad.Message),
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => (StatusCodes.Status409Conflict, "Conflict", "a user with this email already exists"),
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => Unavailable("the database did not answer within the query timeout"),
        PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } => Unavailable("the database schema is not ready yet"),
        PostgresException postgres when IsTransient(postgres.SqlState) => Unavailable("the database is unavailable"),
        PostgresException => (null, null, null),
        RequestDeadlineExceededException => Unavailable("the request waited past its deadline inside the API; it was not run"),
        NpgsqlException { InnerException: TimeoutException } => Unavailable("no database connection could be had within the pool wait timeout"),
        NpgsqlException => Unavailable("the database is unreachable"),
        TimeoutException => Unavailable("the database did not answer in time"),
        _ => (null, null, null),
    };

    // Connection exceptions (08), resources (53: too many connections), operator intervention (57: shutdown, restart).
    private static bool IsTransient(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState.StartsWith("57", StringComparison.Ordinal);

    private static (int?, string?, string?) Unavailable(string detail) => (StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: database unavailable ({Error}, {Cause})")]
    private static partial void LogUnavailable(ILogger logger, string error, string cause);
}
