using Microsoft.AspNetCore.Builder;
using Xunit;

namespace Autotune.Load.Tests;

public sealed class LoadGeneratorControlTests
{
    [Fact]
    public async Task Follows_the_targets_when_the_list_changes_during_the_run()
    {
        var toA = 0;
        var toB = 0;
        await using var b = await LoopbackServer.StartAsync(app => app.MapGet("/ok", () => Interlocked.Increment(ref toB)));
        var targets = new LoopbackTargets([]);
        await using var a = await LoopbackServer.StartAsync(app => app.MapGet("/ok", () =>
        {
            if (Interlocked.Increment(ref toA) == 25)
            {
                targets.Replace([b.Url]);
            }
        }));
        targets.Replace([a.Url]);

        var result = await new LoadGenerator(LoadTestHelpers.Options([new LoadStep(50, TimeSpan.FromSeconds(2))], new PathMix("ok")), targets).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(100, result.Steps[0].Succeeded);
        Assert.Equal(100, toA + toB);
        Assert.InRange(toA, 25, 40);
        Assert.InRange(toB, 60, 75);
    }

    [Fact]
    public async Task Stops_when_cancelled_and_sends_nothing_after()
    {
        var received = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/ok", () => Interlocked.Increment(ref received)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var options = LoadTestHelpers.Options([new LoadStep(20, TimeSpan.FromSeconds(60))], new PathMix("ok")) with { OnSecond = _ => stop.Cancel() };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new LoadGenerator(options, new LoopbackTargets([server.Url])).RunAsync(stop.Token));
        var atStop = Volatile.Read(ref received);

        Assert.InRange(atStop, 20, 40);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(atStop, Volatile.Read(ref received));
    }
}
