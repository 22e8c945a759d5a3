using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Autotune.Load.Tests;

public sealed class LoadGeneratorErrorTests
{
    [Fact]
    public async Task Counts_errors_by_kind_status_timeout_and_connection()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/ok", () => Results.Ok());
            app.MapGet("/unavailable", () => Results.StatusCode(503));
            app.MapGet("/hang", async (HttpContext context) =>
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return Results.Ok();
            });
        });

        // Targets alternate between a port nobody listens on and the server; paths cycle, so the server gets each path 10 times.
        var targets = new LoopbackTargets([LoadTestHelpers.DeadUrl(), server.Url]);
        // The timeout is far above what /ok takes even on a cold, busy server (its first requests pay for JIT), and /hang never answers.
        var options = LoadTestHelpers.Options([new LoadStep(60, TimeSpan.FromSeconds(1))], new PathMix("ok", "unavailable", "hang")) with { RequestTimeout = TimeSpan.FromSeconds(3) };

        var result = await new LoadGenerator(options, targets).RunAsync(TestContext.Current.CancellationToken);

        var step = Assert.Single(result.Steps);
        Assert.Equal(10, step.Succeeded);
        Assert.Equal(
            new Dictionary<string, long> { [ErrorKinds.Connection] = 30, [ErrorKinds.Status(503)] = 10, [ErrorKinds.Timeout] = 10 },
            step.Errors.OrderBy(e => e.Key).ToDictionary());
        Assert.Equal(50.0 / 60, step.ErrorShare, precision: 6);
        Assert.True(step.MaxMs >= options.RequestTimeout.TotalMilliseconds - 25, "a timeout counts at least as long as the generator waited (less the timer's early firing)");
        Assert.False(step.Held(p99ObjectiveMs: 10_000));
    }

    [Fact]
    public async Task Counts_requests_without_a_target_as_failed()
    {
        var result = await new LoadGenerator(LoadTestHelpers.Options([new LoadStep(20, TimeSpan.FromSeconds(0.5))], new PathMix("ok")), new LoopbackTargets([]))
            .RunAsync(TestContext.Current.CancellationToken);

        var step = Assert.Single(result.Steps);
        Assert.Equal(new Dictionary<string, long> { [ErrorKinds.NoTarget] = 10 }, step.Errors);
        Assert.True(double.IsNaN(step.P99Ms));
        Assert.False(step.Held(1_000));
    }

    [Fact]
    public async Task Sends_the_api_key_only_when_given()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/ok", (HttpContext context) =>
            context.Request.Headers["X-Api-Key"] == LoadTestHelpers.Key ? Results.Ok() : Results.Unauthorized()));

        var result = await new LoadGenerator(LoadTestHelpers.Options([new LoadStep(20, TimeSpan.FromSeconds(0.5))], new PathMix("ok")), new LoopbackTargets([server.Url]))
            .RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new Dictionary<string, long> { [ErrorKinds.Status(401)] = 10 }, result.Steps[0].Errors);
    }

    [Fact]
    public async Task Refuses_to_send_beyond_its_in_flight_limit()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/hang", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Results.Ok();
        }));
        var options = LoadTestHelpers.Options([new LoadStep(40, TimeSpan.FromSeconds(0.5))], new PathMix("hang")) with
        {
            MaxInFlight = 5,
            RequestTimeout = TimeSpan.FromSeconds(2),
        };

        var result = await new LoadGenerator(options, new LoopbackTargets([server.Url])).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            new Dictionary<string, long> { [ErrorKinds.InFlightLimit] = 15, [ErrorKinds.Timeout] = 5 },
            result.Steps[0].Errors.OrderBy(e => e.Key).ToDictionary());
    }
}
