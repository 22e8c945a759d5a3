using System.Net;
using System.Net.Sockets;

namespace Autotune.Testing;

/// <summary>Free TCP ports on loopback for servers the tests start.</summary>
public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999 by default): the kernel gives these to no outgoing connection, so a
    // port found free stays free until a server of ours binds it. An ephemeral port found free could be taken meanwhile
    // by any client socket of the run (a database or HTTP connection), which is how a bind failed with "address in use".
    private const int First = 20_000;
    private const int Last = 32_000;

    /// <summary>A port outside the ephemeral range that was free on 127.0.0.1 a moment ago, picked at random.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException($"no free port between {First} and {Last} on 127.0.0.1 after 200 tries");
    }
}
