using System.Diagnostics;
using System.Globalization;
using System.Net;
using Autotune.Agent.Shedding;
using Autotune.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>
/// Where Kestrel lets an app see a request first, and when: the measurement behind the shedding middleware's use of
/// the thread pool's queue delay instead of a per-request arrival time.
/// </summary>
public sealed class KestrelArrivalTimeTests
{
    private static readonly TimeSpan Starved = TimeSpan.FromMilliseconds(800);

    [Fact]
    public async Task A_connection_middleware_and_the_first_middleware_both_run_after_the_thread_pool_wait_which_the_probe_sees()
    {
        var ct = TestContext.Current.CancellationToken;
        long connectionHook = 0, firstMiddleware = 0;
        var probeAtMiddleware = TimeSpan.Zero;
        using var delay = new ThreadPoolQueueDelay(TimeSpan.FromSeconds(1));
        delay.Start();

        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Use(next => connection =>
        {
            // The earliest per-connection hook Kestrel offers (ListenOptions.Use): runs once the accepted connection is dispatched.
            Interlocked.CompareExchange(ref connectionHook, Stopwatch.GetTimestamp(), 0);
            return next(connection);
        })));
        await using var app = builder.Build();
        app.Use((context, next) =>
        {
            // The earliest per-request hook: the first middleware (HttpContext carries no arrival time under Kestrel).
            Interlocked.CompareExchange(ref firstMiddleware, Stopwatch.GetTimestamp(), 0);
            probeAtMiddleware = delay.Current;
            return next(context);
        });
        app.MapGet("/", () => "ok");
        await app.StartAsync(ct);
        await Await.UntilAsync(() => delay.Current < TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), "the pool is not starved", ct);

        long sent = 0;
        string? answer = null;
        var client = new Thread(() =>
        {
            sent = Stopwatch.GetTimestamp();
            answer = BlockingHttp.GetText(new Uri($"http://127.0.0.1:{port}/"), TimeSpan.FromSeconds(30));
        })
        { IsBackground = true };
        using (StarvedPool.Block(400))
        {
            Assert.True(SpinWait.SpinUntil(() => delay.Current > TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)), "the probe sees the starvation");
            client.Start();
            Assert.True(SpinWait.SpinUntil(() => sent != 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref sent)) > Starved, TimeSpan.FromSeconds(10)));
        }

        Assert.True(client.Join(TimeSpan.FromSeconds(30)));
        await app.StopAsync(ct);
        Assert.StartsWith("HTTP/1.1 200 ", answer, StringComparison.Ordinal);
        var connectionLag = Stopwatch.GetElapsedTime(sent, connectionHook);
        var middlewareLag = Stopwatch.GetElapsedTime(sent, firstMiddleware);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"after the request was sent: connection middleware {connectionLag.TotalMilliseconds:0} ms, first middleware {middlewareLag.TotalMilliseconds:0} ms; probe estimate at the first middleware {probeAtMiddleware.TotalMilliseconds:0} ms"));

        // Neither hook runs before the starved pool frees a thread: a timestamp taken there misses the whole wait.
        Assert.True(connectionLag >= Starved, $"connection middleware ran {connectionLag.TotalMilliseconds:0} ms after the send");
        Assert.True(middlewareLag >= connectionLag, "the first middleware runs after the connection middleware");

        // The probe, queued in the same queue a little before the request (its head start is the error), sees that wait.
        Assert.InRange(probeAtMiddleware.TotalMilliseconds, middlewareLag.TotalMilliseconds * 0.5, middlewareLag.TotalMilliseconds + 300);
    }
}
