using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Autotune.Agent.Metrics;

/// <summary>Where one metrics connection stands after a read or a write.</summary>
internal enum ConnectionProgress
{
    /// <summary>Waiting for more of the request, or for room to send more of the response.</summary>
    Pending,

    /// <summary>The request head has arrived: the response is due.</summary>
    HeadComplete,

    /// <summary>The whole response has been handed to the socket: close it.</summary>
    Done,

    /// <summary>The client went away, sent a head too large or broke the socket: close it.</summary>
    Failed,
}

/// <summary>
/// One client of the metrics listener on a non-blocking socket: the request head read as it trickles in, then the
/// response written as the socket takes it, all before one deadline for the whole request. Never blocks.
/// </summary>
internal sealed class MetricsConnection : IDisposable
{
    private const int MaxRequestHead = 8192;
    private byte[] _buffer = new byte[MaxRequestHead];
    private int _length;
    private int _sent;
    private bool _writing;

    public MetricsConnection(Socket socket, long deadline)
    {
        Socket = socket;
        Deadline = deadline;
    }

    public Socket Socket { get; }

    /// <summary>The <see cref="Stopwatch"/> timestamp by which the whole request must have been answered.</summary>
    public long Deadline { get; }

    /// <summary>True once the response is being written (wait for the socket to be writable, not readable).</summary>
    public bool Writing => _writing;

    /// <summary>The request head, once <see cref="Receive"/> has reported it complete.</summary>
    public string? Head { get; private set; }

    public bool Expired(long now) => now >= Deadline;

    /// <summary>Reads what has arrived without waiting.</summary>
    public ConnectionProgress Receive()
    {
        var read = Socket.Receive(_buffer, _length, _buffer.Length - _length, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return ConnectionProgress.Pending;
        }

        if (error != SocketError.Success || read == 0)
        {
            return ConnectionProgress.Failed;
        }

        _length += read;
        var end = _buffer.AsSpan(0, _length).IndexOf("\r\n\r\n"u8);
        if (end >= 0)
        {
            Head = Encoding.ASCII.GetString(_buffer, 0, end + 4);
            return ConnectionProgress.HeadComplete;
        }

        return _length == _buffer.Length ? ConnectionProgress.Failed : ConnectionProgress.Pending;
    }

    /// <summary>Starts writing <paramref name="response"/> and sends what the socket takes now.</summary>
    public ConnectionProgress Respond(byte[] response)
    {
        _buffer = response;
        _length = response.Length;
        _sent = 0;
        _writing = true;
        return Send();
    }

    /// <summary>Sends what the socket takes now of the rest of the response.</summary>
    public ConnectionProgress Send()
    {
        var sent = Socket.Send(_buffer, _sent, _length - _sent, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return ConnectionProgress.Pending;
        }

        if (error != SocketError.Success)
        {
            return ConnectionProgress.Failed;
        }

        _sent += sent;
        if (_sent < _length)
        {
            return ConnectionProgress.Pending;
        }

        // Half-close, so the client reads to the end of the response before the socket goes.
        Socket.Shutdown(SocketShutdown.Send);
        return ConnectionProgress.Done;
    }

    public void Dispose() => Socket.Dispose();
}
