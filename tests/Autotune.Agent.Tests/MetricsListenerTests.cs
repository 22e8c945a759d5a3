using System.Net;
using Autotune.Agent.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class MetricsListenerTests
{
    [Fact]
    public void Serves_metrics_at_its_path_with_any_query_and_404_elsewhere_and_survives_a_failing_collection()
    {
        var calls = 0;
        using var listener = new MetricsListener(IPAddress.Loopback, 0, () =>
        {
            if (++calls == 2)
            {
                throw new InvalidOperationException("collection failed");
            }

            return "up 1\n";
        }, NullLogger.Instance);
        listener.Start();
        var baseUri = new Uri($"http://127.0.0.1:{listener.Endpoint.Port}");
        var timeout = TimeSpan.FromSeconds(10);

        var first = BlockingHttp.Get(new Uri(baseUri, "/metrics?name[]=up"), timeout);
        var failed = BlockingHttp.Get(new Uri(baseUri, "/metrics"), timeout);
        var elsewhere = BlockingHttp.Get(new Uri(baseUri, "/other"), timeout);
        var again = BlockingHttp.Get(new Uri(baseUri, "/metrics"), timeout);

        Assert.Equal(("HTTP/1.1 200 OK", "up 1\n"), (first?.StatusLine, first?.Body));
        Assert.Equal("HTTP/1.1 500 Internal Server Error", failed?.StatusLine);
        Assert.Equal("HTTP/1.1 404 Not Found", elsewhere?.StatusLine);
        Assert.Equal(("HTTP/1.1 200 OK", "up 1\n"), (again?.StatusLine, again?.Body));
    }
}
