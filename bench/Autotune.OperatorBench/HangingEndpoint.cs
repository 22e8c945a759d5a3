using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Autotune.OperatorBench;

/// <summary>
/// A metrics endpoint that hangs: it accepts every connection and reads the request but never answers. It records
/// how long each scrape held its connection before the scraper gave up (closed it).
/// </summary>
public sealed class HangingEndpoint : IAsyncDisposable
{
    /// <summary>The address the hung pods are moved to (loopback, apart from the capture server's 127.0.0.1).</summary>
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.2");

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TimeSpan> _held = [];
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private int _open;

    private HangingEndpoint(int port)
    {
        _listener = new TcpListener(Address, port);
        _listener.Start();
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>How long each scrape that ended held its connection.</summary>
    public IReadOnlyCollection<TimeSpan> Held => _held;

    /// <summary>Connections open now (scrapes still waiting).</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Listens on <see cref="Address"/>:<paramref name="port"/>.</summary>
    public static HangingEndpoint Start(int port) => new(port);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await Task.WhenAll(_connections);
        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(HoldAsync(socket, cancellationToken));
        }
    }

    private async Task HoldAsync(Socket socket, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _open);
        var clock = Stopwatch.StartNew();
        var buffer = new byte[4096];
        try
        {
            // Read (and ignore) the request until the scraper closes the connection; never write a byte.
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) > 0)
            {
            }

            _held.Add(clock.Elapsed);
        }
        catch (SocketException)
        {
            _held.Add(clock.Elapsed); // Reset by the scraper: it gave up too.
        }
        catch (OperationCanceledException)
        {
            // The endpoint stops; this scrape was still waiting.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            socket.Dispose();
        }
    }
}
