using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Autotune.Agent.Tests;

/// <summary>
/// A slow-loris client: connects, then sends one byte of a request head per interval and never completes it.
/// Reports how long the server kept the connection open, or null when it was still open when told to stop.
/// </summary>
internal sealed class SlowClient : IDisposable
{
    private static readonly byte[] Head = "GET /metrics HTTP/1.1\r\nHost: slow\r\nX-Slow: "u8.ToArray();
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private long _connectedAt;

    private SlowClient()
    {
    }

    /// <summary>Connects and sends the first byte, so the server has accepted the connection before this returns.</summary>
    public static async Task<SlowClient> ConnectAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var client = new SlowClient();
        await client._socket.ConnectAsync(endpoint, cancellationToken);
        client._connectedAt = Stopwatch.GetTimestamp();
        await client._socket.SendAsync(Head.AsMemory(0, 1), SocketFlags.None, cancellationToken);
        return client;
    }

    /// <summary>Trickles a byte per <paramref name="interval"/> until the server closes the connection or <paramref name="stop"/> is cancelled.</summary>
    public async Task<TimeSpan?> TrickleAsync(TimeSpan interval, CancellationToken stop)
    {
        var closed = WaitForCloseAsync(stop);
        var sent = 1;
        while (!stop.IsCancellationRequested)
        {
            var tick = Task.Delay(interval, stop);
            if (await Task.WhenAny(closed, tick) == closed)
            {
                return await closed;
            }

            try
            {
                await _socket.SendAsync(Head.AsMemory(sent % Head.Length, 1), SocketFlags.None, stop);
                sent++;
            }
            catch (SocketException)
            {
                return await closed;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return null;
    }

    public void Dispose() => _socket.Dispose();

    private async Task<TimeSpan?> WaitForCloseAsync(CancellationToken stop)
    {
        var buffer = new byte[1024];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, stop) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        return Stopwatch.GetElapsedTime(_connectedAt);
    }
}
