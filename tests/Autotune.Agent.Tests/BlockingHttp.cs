using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Autotune.Agent.Tests;

/// <summary>
/// An HTTP GET over a blocking socket on the calling thread: a client that keeps working while this process's own
/// thread pool is starved (HttpClient would need that pool for its continuations).
/// </summary>
internal static class BlockingHttp
{
    /// <summary>
    /// Each of <paramref name="uris"/> fetched within a second while this process's thread pool is starved: minimum
    /// threads at the processor count and <paramref name="blockedWorkItems"/> work items blocked, far more than the
    /// pool has threads, so everything queued behind them waits for injection (a thread or two a second). Runs
    /// synchronously, never yielding to the pool; the blocked items are released and the minimum restored after.
    /// </summary>
    public static (string StatusLine, string Body, TimeSpan Elapsed)?[] GetWhileStarved(int blockedWorkItems, params Uri[] uris)
    {
        using var starved = StarvedPool.Block(blockedWorkItems);
        return [.. uris.Select(uri => Get(uri, TimeSpan.FromSeconds(1)))];
    }

    /// <summary>The status line and body, or null when nothing complete arrived within <paramref name="timeout"/> (or the server reset the connection).</summary>
    public static (string StatusLine, string Body, TimeSpan Elapsed)? Get(Uri uri, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var text = GetText(uri, timeout);
        var headEnd = text?.IndexOf("\r\n\r\n", StringComparison.Ordinal) ?? -1;
        if (text is null || headEnd < 0)
        {
            return null;
        }

        return (text[..text.IndexOf('\r', StringComparison.Ordinal)], text[(headEnd + 4)..], Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The whole answer (status line, headers and body) as text, or null when it did not end within <paramref name="timeout"/> (or the server reset the connection).</summary>
    public static string? GetText(Uri uri, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var started = Stopwatch.GetTimestamp();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;
        socket.SendTimeout = (int)timeout.TotalMilliseconds;
        socket.Connect(uri.Host, uri.Port);
        socket.Send(Encoding.ASCII.GetBytes($"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: close\r\n\r\n"));
        var response = new MemoryStream();
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var remaining = timeout - Stopwatch.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    return null;
                }

                socket.ReceiveTimeout = Math.Max(1, (int)remaining.TotalMilliseconds);
                var read = socket.Receive(buffer);
                if (read == 0)
                {
                    break;
                }

                response.Write(buffer, 0, read);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.ConnectionReset)
        {
            return null;
        }

        return Encoding.UTF8.GetString(response.ToArray());
    }
}
