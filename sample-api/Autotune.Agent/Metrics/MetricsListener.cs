using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Autotune.Agent.Metrics;

/// <summary>
/// A minimal HTTP/1.1 server for <c>GET /metrics</c> on one dedicated thread: non-blocking sockets multiplexed by
/// <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, TimeSpan)"/>,
/// up to a bound of connections served at once, each with a deadline for its whole request (head read and response
/// written), and a synchronous collection. Nothing here touches the thread pool, so a scrape answers while the
/// application's pool is starved (that is the point: a starved process must still report that it is starved), and
/// a slow client costs a socket until its deadline, never the thread, so it cannot hold up the next scrape.
/// </summary>
internal sealed class MetricsListener : IDisposable
{
    /// <summary>How long one request may take from accept to its last byte sent: below the operator's 2 s scrape timeout is pointless, above it is wasted.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How many connections are served at once; more are closed at accept.</summary>
    public const int DefaultMaxConnections = 32;

    // The loop wakes at least this often to notice Dispose, even with no deadline pending.
    private static readonly TimeSpan IdleWake = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(250);
    private readonly Func<string> _collect;
    private readonly ILogger _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly int _maxConnections;
    private readonly Socket _socket;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _acceptResumesAt;
    private bool _acceptFailing;

    public MetricsListener(IPAddress address, int port, Func<string> collect, ILogger logger, TimeSpan? requestTimeout = null, int maxConnections = DefaultMaxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        _collect = collect;
        _logger = logger;
        _requestTimeout = requestTimeout ?? DefaultRequestTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_requestTimeout, TimeSpan.Zero, nameof(requestTimeout));
        _maxConnections = maxConnections;
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(address, port));
        _socket.Listen(64);
        _socket.Blocking = false;
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
            _thread.Join(IdleWake * 4);
        }
    }

    private void Run()
    {
        var connections = new List<MetricsConnection>();
        var readable = new List<Socket>();
        var writable = new List<Socket>();
        try
        {
            while (!_stopping)
            {
                readable.Clear();
                writable.Clear();
                var now = Stopwatch.GetTimestamp();
                var wake = now + StopwatchTicks(IdleWake);
                if (now >= _acceptResumesAt)
                {
                    readable.Add(_socket);
                }
                else
                {
                    wake = Math.Min(wake, _acceptResumesAt);
                }

                foreach (var connection in connections)
                {
                    (connection.Writing ? writable : readable).Add(connection.Socket);
                    wake = Math.Min(wake, connection.Deadline);
                }

                var wait = TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), wake).Ticks));
                if (readable.Count + writable.Count == 0)
                {
                    Thread.Sleep(wait); // Accepting is paused and nothing is open: wait for the pause to end.
                    continue;
                }

                Socket.Select(readable, writable, null, wait);
                if (readable.Remove(_socket))
                {
                    Accept(connections);
                }

                Progress(connections, readable, writable);
            }
        }
#pragma warning disable CA1031 // An exception escaping a thread ends the process: a listener that dies says why, the app keeps running.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (!_stopping)
            {
                // Closed, so scrapes are refused at once rather than left in the backlog to time out, which the
                // operator would read as a starved process.
                _logger.LogError(ex, "The metrics listener stopped; its port is closed");
                _socket.Dispose();
            }
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    private static long StopwatchTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private void Accept(List<MetricsConnection> connections)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = _socket.Accept();
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                return;
            }
            catch (SocketException ex)
            {
                // Out of descriptors, say: what is queued stays queued; accepting pauses briefly rather than spin on a
                // listening socket that stays readable, and the failure is logged once until an accept succeeds.
                _acceptResumesAt = Stopwatch.GetTimestamp() + StopwatchTicks(AcceptPause);
                if (!_acceptFailing)
                {
                    _acceptFailing = true;
                    _logger.LogWarning(ex, "The metrics listener failed to accept a connection; retrying every {Pause}", AcceptPause);
                }

                return;
            }

            _acceptFailing = false;

            if (connections.Count >= _maxConnections)
            {
                _logger.LogDebug("Closed a metrics connection at accept: {Open} already open, the bound", connections.Count);
                client.Dispose();
                continue;
            }

            client.Blocking = false;
            client.NoDelay = true;
            var deadline = Stopwatch.GetTimestamp() + StopwatchTicks(_requestTimeout);
            connections.Add(new MetricsConnection(client, deadline));
        }
    }

    private void Progress(List<MetricsConnection> connections, List<Socket> readable, List<Socket> writable)
    {
        var now = Stopwatch.GetTimestamp();
        for (var i = connections.Count - 1; i >= 0; i--)
        {
            var connection = connections[i];
            var progress = ConnectionProgress.Pending;
            try
            {
                if (readable.Contains(connection.Socket))
                {
                    progress = connection.Receive();
                    if (progress == ConnectionProgress.HeadComplete)
                    {
                        progress = connection.Respond(MetricsResponse.For(connection.Head!, _collect, _logger));
                    }
                }
                else if (writable.Contains(connection.Socket))
                {
                    progress = connection.Send();
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                _logger.LogDebug(ex, "A metrics client went away");
                progress = ConnectionProgress.Failed;
            }

            if (progress == ConnectionProgress.Pending && connection.Expired(now))
            {
                _logger.LogDebug("Closed a metrics connection that did not complete its request within {Timeout}", _requestTimeout);
                progress = ConnectionProgress.Failed;
            }

            if (progress is ConnectionProgress.Done or ConnectionProgress.Failed)
            {
                connection.Dispose();
                connections.RemoveAt(i);
            }
        }
    }
}
