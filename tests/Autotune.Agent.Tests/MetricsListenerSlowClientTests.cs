using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Autotune.Agent.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class MetricsListenerSlowClientTests
{
    private static readonly TimeSpan ScrapeBudget = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Answers_five_scrapes_within_3_s_while_four_clients_send_a_byte_a_second_and_cuts_those_clients_off_at_the_deadline()
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new MetricsListener(IPAddress.Loopback, 0, () => "up 1\n", NullLogger.Instance);
        listener.Start();
        var uri = new Uri($"http://127.0.0.1:{listener.Endpoint.Port}/metrics");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var slow = new List<SlowClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                slow.Add(await SlowClient.ConnectAsync(listener.Endpoint, ct));
            }

            var trickling = slow.Select(c => c.TrickleAsync(TimeSpan.FromSeconds(1), stop.Token)).ToArray();

            // Five scrapes at once, each on its own blocking socket, each given the budget.
            var scrapes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => BlockingHttp.Get(uri, ScrapeBudget), ct)));
            var answered = scrapes.Count(s => s?.StatusLine == "HTTP/1.1 200 OK");
            var times = string.Join(", ", scrapes.Select(s => s is { } r ? Ms(r.Elapsed) : "none"));
            TestContext.Current.TestOutputHelper?.WriteLine($"{answered} of 5 scrapes answered within {ScrapeBudget.TotalSeconds} s: {times}");

            // The slow clients kept trickling; a deadline for the whole request ends them, however steadily they send.
            stop.CancelAfter(TimeSpan.FromSeconds(8));
            var held = await Task.WhenAll(trickling);
            var holds = string.Join(", ", held.Select(h => h is { } t ? Ms(t) : "still open at 8 s"));
            TestContext.Current.TestOutputHelper?.WriteLine($"slow clients held their connections for: {holds}");

            Assert.All(scrapes, s => Assert.Equal("HTTP/1.1 200 OK", s?.StatusLine));
            Assert.All(scrapes, s => Assert.Equal("up 1\n", s?.Body));
            Assert.All(held, h =>
            {
                Assert.NotNull(h);
                Assert.InRange(h.Value, MetricsListener.DefaultRequestTimeout * 0.9, MetricsListener.DefaultRequestTimeout + TimeSpan.FromSeconds(1.5));
            });
        }
        finally
        {
            await stop.CancelAsync();
            slow.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Closes_connections_beyond_its_bound_at_once_and_serves_again_when_the_deadline_frees_a_place()
    {
        var ct = TestContext.Current.CancellationToken;
        var timeout = TimeSpan.FromSeconds(1);
        using var listener = new MetricsListener(IPAddress.Loopback, 0, () => "up 1\n", NullLogger.Instance, timeout, maxConnections: 2);
        listener.Start();
        var uri = new Uri($"http://127.0.0.1:{listener.Endpoint.Port}/metrics");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var first = await SlowClient.ConnectAsync(listener.Endpoint, ct);
        using var second = await SlowClient.ConnectAsync(listener.Endpoint, ct);
        var trickling = new[] { first.TrickleAsync(TimeSpan.FromMilliseconds(200), stop.Token), second.TrickleAsync(TimeSpan.FromMilliseconds(200), stop.Token) };

        // Both places are taken: the third connection is closed without an answer, well before any deadline.
        var refusing = Stopwatch.StartNew();
        var refused = await Task.Run(() => BlockingHttp.Get(uri, ScrapeBudget), ct);
        Assert.Null(refused);
        Assert.True(refusing.Elapsed < timeout / 2, $"refused after {refusing.Elapsed.TotalMilliseconds:0} ms");

        // The deadline ends both slow clients; the next scrape is served.
        stop.CancelAfter(ScrapeBudget * 2);
        var held = await Task.WhenAll(trickling);
        Assert.All(held, h => Assert.NotNull(h));
        var served = await Task.Run(() => BlockingHttp.Get(uri, ScrapeBudget), ct);
        Assert.Equal(("HTTP/1.1 200 OK", "up 1\n"), (served?.StatusLine, served?.Body));
    }

    [Fact]
    public async Task A_client_that_never_reads_its_answer_does_not_hold_up_other_scrapes()
    {
        var ct = TestContext.Current.CancellationToken;
        // Far more than loopback socket buffers hold, so the server's send to the client that does not read would block.
        var body = new string('x', 16 * 1024 * 1024);
        using var listener = new MetricsListener(IPAddress.Loopback, 0, () => body, NullLogger.Instance);
        listener.Start();
        var uri = new Uri($"http://127.0.0.1:{listener.Endpoint.Port}/metrics");

        using var stuck = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync(listener.Endpoint, ct);
        await stuck.SendAsync("GET /metrics HTTP/1.1\r\nHost: stuck\r\n\r\n"u8.ToArray(), SocketFlags.None, ct);

        // Within half the request deadline: a listener that waited for the stuck send would answer only after it.
        var scrape = await Task.Run(() => BlockingHttp.Get(uri, MetricsListener.DefaultRequestTimeout / 2), ct);

        Assert.Equal("HTTP/1.1 200 OK", scrape?.StatusLine);
        Assert.Equal(body.Length, scrape?.Body.Length);
    }

    private static string Ms(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalMilliseconds:0} ms");
}
