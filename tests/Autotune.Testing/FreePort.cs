using System.Net;
using System.Net.Sockets;

namespace Autotune.Testing;

/// <summary>Free TCP ports on loopback for servers the tests start.</summary>
public static class FreePort
{
    /// <summary>A port that was free on 127.0.0.1 a moment ago (the OS hands out ephemeral ports round-robin, so reuse is unlikely).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
