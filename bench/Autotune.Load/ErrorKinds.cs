using System.Globalization;

namespace Autotune.Load;

/// <summary>The names errors are counted under.</summary>
public static class ErrorKinds
{
    /// <summary>No answer within the request timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The connection could not be made (refused, unreachable).</summary>
    public const string Connection = "connection";

    /// <summary>The connection broke or the answer was not HTTP (reset, ended early).</summary>
    public const string Broken = "broken connection";

    /// <summary>There was no target to send to.</summary>
    public const string NoTarget = "no target";

    /// <summary>The generator's own limit of requests in flight was reached; the request was not sent.</summary>
    public const string InFlightLimit = "in-flight limit";

    /// <summary>An answer with a status code outside 2xx.</summary>
    public static string Status(int code) => string.Create(CultureInfo.InvariantCulture, $"status {code}");
}
