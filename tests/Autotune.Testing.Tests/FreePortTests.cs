using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Autotune.Testing.Tests;

public sealed class FreePortTests
{
    [Fact]
    public void Hands_out_bindable_ports_below_the_ephemeral_range_that_client_sockets_use()
    {
        var ports = Enumerable.Range(0, 20).Select(_ => FreePort.Next()).ToList();

        Assert.All(ports, p => Assert.InRange(p, 20_000, 31_999));
        using var listener = new TcpListener(IPAddress.Loopback, ports[0]);
        listener.Start();
        Assert.Equal(ports[0], ((IPEndPoint)listener.LocalEndpoint).Port);
    }
}
