using System.Net;
using System.Net.Sockets;
using k8s.Autorest;
using Npgsql;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// What a failure says in status, Events and console lines: a safe description from its type and codes, never its
/// raw message, which may carry a host, a query or a connection string. The full exception goes to the log only.
/// The one exception is <see cref="SafeFailureException"/>, whose message the operator composed from names only.
/// </summary>
public static class FailureText
{
    /// <summary>The safe description of <paramref name="error"/>.</summary>
    public static string Of(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            SafeFailureException safe => safe.Message,
            Local.RestartCommandFailedException restart => $"the restart command {restart.Command} exited with code {restart.ExitCode}",
            HttpOperationException { Response: { } response } => $"the Kubernetes API answered {(int)response.StatusCode} {Phrase(response.StatusCode)}",
            k8s.KubernetesException { Status: { } status } => $"the Kubernetes API answered {status.Code} {status.Reason}",
            PostgresException postgres => $"PostgreSQL refused it with SQLSTATE {postgres.SqlState}{Known(postgres.SqlState)}",
            NpgsqlException { InnerException: SocketException socket } => $"PostgreSQL is unreachable ({socket.SocketErrorCode})",
            NpgsqlException { InnerException: TimeoutException } => "PostgreSQL did not answer in time",
            NpgsqlException => "the PostgreSQL connection failed",
            SocketException socket => $"the connection failed ({socket.SocketErrorCode})",
            TimeoutException or TaskCanceledException => "it timed out",
            UnauthorizedAccessException => "access was denied",
            HttpRequestException { StatusCode: { } code } => $"the server answered {(int)code} {Phrase(code)}",
            HttpRequestException => "the HTTP request failed",
            IOException => "an I/O operation failed",
            _ => error.GetType().Name,
        };
    }

    private static string Phrase(HttpStatusCode code) => code switch
    {
        HttpStatusCode.Unauthorized => "unauthorized",
        HttpStatusCode.Forbidden => "forbidden",
        HttpStatusCode.NotFound => "not found",
        HttpStatusCode.Conflict => "conflict",
        HttpStatusCode.UnprocessableEntity => "invalid",
        HttpStatusCode.TooManyRequests => "too many requests",
        >= HttpStatusCode.InternalServerError => "server error",
        _ => "error",
    };

    private static string Known(string sqlState) => sqlState switch
    {
        "53300" => " (too many connections)",
        "28P01" or "28000" => " (authentication failed)",
        "3D000" => " (no such database)",
        "42501" => " (insufficient privilege)",
        "57P01" or "57P02" or "57P03" => " (the server is shutting down or starting)",
        _ => string.Empty,
    };
}
