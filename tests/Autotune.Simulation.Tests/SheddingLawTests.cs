using Autotune.Contracts;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

public sealed class SheddingLawTests
{
    // Every request blocks its thread for ~41 ms; 600 rps needs ~25 threads and finds 2.
    private static readonly WorkloadProfile Blocking = new() { CpuMs = 1, ExternalWaitMs = 40, BlockingShare = 1.0 };

    private static double ServedPerSecond(SimulatedCluster world, double seconds)
    {
        double Ok() => world.Apis[0].Pods.Sum(p => p.Metrics.RequestsOk.Count);
        var before = Ok();
        World.Run(world, seconds);
        return (Ok() - before) / seconds;
    }

    [Theory]
    [InlineData(false, 500)]
    [InlineData(true, 100)]
    public void Enough_threads_end_a_backlog_unless_continuations_queue_behind_it(bool syncOverAsync, double servedAtMost)
    {
        var world = World.One(Blocking with { SyncOverAsync = syncOverAsync }, rps: 600, minThreads: 2);
        World.Run(world, 60);

        world.Apis[0].SetTuning(64, 20, world.Now, world.Random);
        World.Run(world, 30);
        var served = ServedPerSecond(world, 30);

        if (syncOverAsync)
        {
            Assert.True(served < servedAtMost, $"sync-over-async served {served:0} req/s once threads sufficed: the backlog should feed itself");
        }
        else
        {
            Assert.True(served > servedAtMost, $"sync I/O served {served:0} req/s once threads sufficed");
        }
    }

    [Fact]
    public void Shedding_at_the_deadline_recovers_a_sync_over_async_collapse_under_continued_load()
    {
        var world = World.One(Blocking with { SyncOverAsync = true }, rps: 600, minThreads: 2);
        World.Run(world, 60);
        var pod = world.Apis[0].Pods[0];

        world.Apis[0].SetTuning(64, 20, world.Now, world.Random, shedAfterMs: 200);
        World.Run(world, 30);
        var served = ServedPerSecond(world, 30);

        Assert.True(served > 550, $"served {served:0} of 600 req/s after shedding");
        Assert.True(pod.Metrics.RequestsShed > 1000, $"shed {pod.Metrics.RequestsShed:0}");
        Assert.Equal(pod.Metrics.RequestsShed + pod.Metrics.PoolTimeouts, pod.Metrics.RequestsUnavailable.Count, 3);
        Assert.Contains($"{MetricNames.ShedAfter.Prometheus} 0.2", Metrics.PrometheusTextWriter.Render(pod), StringComparison.Ordinal);
    }
}
