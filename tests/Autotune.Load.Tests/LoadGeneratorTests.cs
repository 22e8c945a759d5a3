using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Autotune.Load.Tests;

public sealed class LoadGeneratorTests
{
    [Fact]
    public async Task Offers_each_steps_rate_and_reports_every_step_and_second()
    {
        var received = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/ok", (HttpContext context) =>
        {
            Interlocked.Increment(ref received);
            return context.Request.Headers["X-Api-Key"] == LoadTestHelpers.Key ? Results.Ok("ok") : Results.Unauthorized();
        }));
        var seconds = new List<IntervalReport>();
        var steps = new List<IntervalReport>();
        var options = LoadTestHelpers.Options([new LoadStep(40, TimeSpan.FromSeconds(1), "low"), new LoadStep(80, TimeSpan.FromSeconds(1), "high")], new PathMix("ok")) with
        {
            ApiKey = LoadTestHelpers.Key,
            OnSecond = seconds.Add,
            OnStep = steps.Add,
        };

        var result = await new LoadGenerator(options, new LoopbackTargets([server.Url])).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(120, received);
        Assert.Equal([40L, 80L], result.Steps.Select(s => s.Offered));
        Assert.Equal([40L, 80L], result.Steps.Select(s => s.Succeeded));
        Assert.Equal([40.0, 80.0], result.Steps.Select(s => Math.Round(s.OfferedRate)));
        Assert.Equal(["low", "high"], result.Seconds.Select(s => s.Label));
        Assert.All(result.Steps, s => Assert.Empty(s.Errors));
        Assert.All(result.Steps, s => Assert.True(s.P50Ms > 0 && s.P99Ms >= s.P50Ms && s.MaxMs >= s.P99Ms));
        Assert.All(result.Seconds, s => Assert.True(s.SendLagP99Ms >= 0 && s.GeneratorCpuCores >= 0));
        // Throughput is counted in the second an answer arrives; an answer after the plan ends falls outside every second.
        Assert.InRange(result.Seconds.Sum(s => s.CompletedRate * s.Length.TotalSeconds), 110, 120);
        Assert.Equal(result.Seconds, seconds);
        Assert.Equal(result.Steps, steps);
    }

    [Fact]
    public async Task Measures_latency_from_the_intended_send_time_so_a_server_queue_shows()
    {
        // The server answers one request at a time, 20 ms each (at most 50/s), while 100/s are offered for a second:
        // a closed-loop client would see about 20 ms; the open-loop generator must see the queue (a second or more).
        using var serial = new SemaphoreSlim(1, 1);
        var waiting = 0;
        var mostWaiting = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async () =>
        {
            var now = Interlocked.Increment(ref waiting);
            LoadTestHelpers.InterlockedMax(ref mostWaiting, now);
            await serial.WaitAsync();
            try
            {
                await Task.Delay(20);
            }
            finally
            {
                Interlocked.Decrement(ref waiting);
                serial.Release();
            }

            return Results.Ok();
        }));
        var options = LoadTestHelpers.Options([new LoadStep(100, TimeSpan.FromSeconds(1))], new PathMix("slow")) with { RequestTimeout = TimeSpan.FromSeconds(30) };

        var result = await new LoadGenerator(options, new LoopbackTargets([server.Url])).RunAsync(TestContext.Current.CancellationToken);

        var step = Assert.Single(result.Steps);
        Assert.Equal(100, step.Succeeded);
        Assert.True(step.P99Ms >= 900, $"p99 {step.P99Ms} ms should include the time queued behind earlier requests");
        Assert.True(step.P50Ms >= 400, $"p50 {step.P50Ms} ms should include the time queued behind earlier requests");
        Assert.True(mostWaiting >= 10, $"only {mostWaiting} requests were ever waiting at once: the generator waited for answers");
    }

    [Fact]
    public async Task A_connection_cap_keeps_requests_in_the_client_and_still_times_them_from_their_intended_send()
    {
        // 100/s for a second against an endpoint that takes 50 ms: uncapped, the generator opens a connection for every
        // request that finds none idle; capped at 2, at most 2 are at the server at once and the rest queue in the client.
        var inside = 0;
        var mostInside = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async () =>
        {
            LoadTestHelpers.InterlockedMax(ref mostInside, Interlocked.Increment(ref inside));
            await Task.Delay(50);
            Interlocked.Decrement(ref inside);
            return Results.Ok();
        }));
        var options = LoadTestHelpers.Options([new LoadStep(100, TimeSpan.FromSeconds(1))], new PathMix("slow")) with
        {
            RequestTimeout = TimeSpan.FromSeconds(30),
            MaxConnectionsPerTarget = 2,
        };

        var result = await new LoadGenerator(options, new LoopbackTargets([server.Url])).RunAsync(TestContext.Current.CancellationToken);

        var step = Assert.Single(result.Steps);
        Assert.Equal(100, step.Succeeded);
        Assert.InRange(mostInside, 1, 2);
        Assert.True(step.P99Ms >= 500, $"p99 {step.P99Ms} ms should include the time queued in the client for one of the 2 connections (at most 40/s get through)");
    }
}
