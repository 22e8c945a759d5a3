using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

public sealed class ThreadPoolLawTests
{
    private static readonly WorkloadProfile Blocking = new() { CpuMs = 1, ExternalWaitMs = 40, BlockingShare = 1.0 };

    [Fact]
    public void Blocking_requests_with_few_minimum_threads_queue_while_the_runtime_injects_threads_slowly()
    {
        var world = World.One(Blocking, rps: 600, minThreads: 2);
        var pod = world.Apis[0].Pods[0];

        World.Run(world, 3);

        // 600 rps x ~41 ms needs ~25 threads; past the minimum the runtime adds about 2 a second.
        Assert.True(pod.Metrics.QueueLength > 50, $"queue {pod.Metrics.QueueLength}");
        Assert.InRange(pod.Threads, 3, 12);
        Assert.True(pod.CpuUtilization < 0.5, $"CPU {pod.CpuUtilization}: starvation leaves the CPU idle");
    }

    [Fact]
    public void Enough_minimum_threads_remove_the_starvation()
    {
        var world = World.One(Blocking, rps: 600, minThreads: 64);
        var pod = world.Apis[0].Pods[0];

        World.Run(world, 3);

        Assert.True(pod.Metrics.QueueLength < 2, $"queue {pod.Metrics.QueueLength}");
        Assert.True(pod.Metrics.RequestsOk.Quantile(0.99) < 0.2, $"p99 {pod.Metrics.RequestsOk.Quantile(0.99)} s");
    }

    [Fact]
    public void Async_requests_do_not_starve_with_the_default_minimum()
    {
        var world = World.One(Blocking with { BlockingShare = 0 }, rps: 600, minThreads: 2);
        var pod = world.Apis[0].Pods[0];

        World.Run(world, 3);

        Assert.True(pod.Metrics.QueueLength < 2, $"queue {pod.Metrics.QueueLength}");
    }

    [Fact]
    public void Idle_threads_retire_after_twenty_seconds()
    {
        var world = World.One(Blocking, rps: 600, minThreads: 2, rate: RateProfile.Spike(0, 600, 0, 30));
        var pod = world.Apis[0].Pods[0];
        World.Run(world, 30);
        var busy = pod.Threads;

        World.Run(world, 60);

        Assert.True(busy > 15, $"threads while busy {busy}");
        Assert.True(pod.Threads <= 3, $"threads after a minute idle {pod.Threads}");
    }
}
