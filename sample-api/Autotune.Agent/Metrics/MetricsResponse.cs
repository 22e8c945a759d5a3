using System.Text;
using Autotune.Contracts;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Metrics;

/// <summary>The HTTP/1.1 answer to one request head: GET/HEAD <c>/metrics</c> collects now, anything else is refused.</summary>
internal static class MetricsResponse
{
    private const string PrometheusText = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The whole response (head and body) as bytes, <c>Connection: close</c>.</summary>
    public static byte[] For(string head, Func<string> collect, ILogger logger)
    {
        var requestLine = head.AsSpan(0, Math.Max(0, head.IndexOf('\r', StringComparison.Ordinal)));
        var parts = requestLine.ToString().Split(' ');
        if (parts.Length != 3)
        {
            return Build("400 Bad Request", "text/plain", "bad request\n", includeBody: true);
        }

        var method = parts[0];
        var path = parts[1].Split('?')[0];
        if (path != AgentEnvironment.MetricsPath)
        {
            return Build("404 Not Found", "text/plain", "not found\n", includeBody: method != "HEAD");
        }

        if (method is not ("GET" or "HEAD"))
        {
            return Build("405 Method Not Allowed", "text/plain", "method not allowed\n", includeBody: true);
        }

        string body;
        try
        {
            body = collect();
        }
#pragma warning disable CA1031 // A failed collection is answered with 500, not a dead listener.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Collecting metrics failed");
            return Build("500 Internal Server Error", "text/plain", "collecting metrics failed\n", includeBody: true);
        }

        return Build("200 OK", PrometheusText, body, includeBody: method == "GET");
    }

    private static byte[] Build(string status, string contentType, string body, bool includeBody)
    {
        var contentLength = Encoding.UTF8.GetByteCount(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {contentLength}\r\nConnection: close\r\n\r\n";
        var headLength = Encoding.ASCII.GetByteCount(head);
        var response = new byte[headLength + (includeBody ? contentLength : 0)];
        Encoding.ASCII.GetBytes(head, response);
        if (includeBody)
        {
            Encoding.UTF8.GetBytes(body, response.AsSpan(headLength));
        }

        return response;
    }
}
