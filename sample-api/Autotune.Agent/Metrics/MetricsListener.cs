using System.Net;
using System.Net.Sockets;
using System.Text;
using Autotune.Contracts;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Metrics;

/// <summary>
/// A minimal HTTP/1.1 server for <c>GET /metrics</c> on a dedicated thread: a blocking accept, a blocking read of
/// the request head, a synchronous collection and write, one connection at a time. Nothing here touches the thread
/// pool, so a scrape answers while the application's pool is starved (that is the point: a starved process must
/// still report that it is starved).
/// </summary>
internal sealed class MetricsListener : IDisposable
{
    private const int MaxRequestHead = 8192;
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(2);
    private readonly Func<string> _collect;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public MetricsListener(IPAddress address, int port, Func<string> collect, ILogger logger)
    {
        _collect = collect;
        _logger = logger;
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(address, port));
        _socket.Listen(64);
        Endpoint = (IPEndPoint)_socket.LocalEndPoint!;
        _thread = new Thread(Run) { IsBackground = true, Name = "autotune-metrics" };
    }

    /// <summary>The bound endpoint (with the real port when 0 was asked for).</summary>
    public IPEndPoint Endpoint { get; }

    public void Start() => _thread.Start();

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
        {
            _thread.Join(IoTimeout);
        }
    }

    private void Run()
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = _socket.Accept();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                if (_stopping)
                {
                    return;
                }

                _logger.LogWarning(ex, "The metrics listener failed to accept a connection");
                continue;
            }

            using (client)
            {
                try
                {
                    Serve(client);
                }
                catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
                {
                    _logger.LogDebug(ex, "A metrics client went away");
                }
#pragma warning disable CA1031 // The listener thread must survive any failure of one scrape.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _logger.LogError(ex, "Serving a metrics scrape failed");
                }
            }
        }
    }

    private void Serve(Socket client)
    {
        client.ReceiveTimeout = (int)IoTimeout.TotalMilliseconds;
        client.SendTimeout = (int)IoTimeout.TotalMilliseconds;
        client.NoDelay = true;
        var head = ReadHead(client);
        if (head is null)
        {
            return;
        }

        var requestLine = head.AsSpan(0, Math.Max(0, head.IndexOf('\r', StringComparison.Ordinal)));
        var parts = requestLine.ToString().Split(' ');
        if (parts.Length != 3)
        {
            Respond(client, "400 Bad Request", "text/plain", "bad request\n", includeBody: true);
            return;
        }

        var method = parts[0];
        var path = parts[1].Split('?')[0];
        if (path != AgentEnvironment.MetricsPath)
        {
            Respond(client, "404 Not Found", "text/plain", "not found\n", includeBody: method != "HEAD");
            return;
        }

        if (method is not ("GET" or "HEAD"))
        {
            Respond(client, "405 Method Not Allowed", "text/plain", "method not allowed\n", includeBody: true);
            return;
        }

        string body;
        try
        {
            body = _collect();
        }
#pragma warning disable CA1031 // A failed collection is answered with 500, not a dead listener.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Collecting metrics failed");
            Respond(client, "500 Internal Server Error", "text/plain", "collecting metrics failed\n", includeBody: true);
            return;
        }

        Respond(client, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, includeBody: method == "GET");
    }

    private static string? ReadHead(Socket client)
    {
        var buffer = new byte[MaxRequestHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = client.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
            if (read == 0)
            {
                return null;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                return Encoding.ASCII.GetString(buffer, 0, length);
            }
        }

        return null;
    }

    private static void Respond(Socket client, string status, string contentType, string body, bool includeBody)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n");
        client.Send(head);
        if (includeBody)
        {
            var sent = 0;
            while (sent < content.Length)
            {
                sent += client.Send(content, sent, content.Length - sent, SocketFlags.None);
            }
        }

        client.Shutdown(SocketShutdown.Send);
    }
}
