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

    /// <summary>
    /// The real stack's bursty-starvation profile: 2 s bursts after 2 s idle gaps (idle threads retire after 1 s), each
    /// request blocking its thread through a 20 ms round trip. At 16 minimum threads it held bursts of 1,000 req/s at
    /// P99 105 ms; from the runtime's default the same bursts collapsed.
    /// </summary>
    private static double BurstP99Seconds(int minThreads, double injectionPerThreadSecond)
    {
        var workload = new WorkloadProfile { CpuMs = 0.64, QueriesPerRequest = 1, QueryCpuMs = 0.32, NetworkRttMs = 20, BlockingShare = 1.0 };
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(1000).WithIdleGaps(4, 2),
            Workload = workload,
            Replicas = 1,
            MinThreads = minThreads,
            PoolSize = 100,
            Pod = new PodOptions { Cores = 2, ThreadIdleRetireSeconds = 1, ThreadInjectionPerThreadSecond = injectionPerThreadSecond },
        };
        var world = new SimulatedCluster(new DatabaseOptions { Cores = 2, MaxConnections = 200 }, [api], seed: 7);
        World.Run(world, 60);
        world.Apis[0].Truth.Reset();
        World.Run(world, 60);
        return world.Apis[0].Truth.Latency.Quantile(0.99);
    }

    [Fact]
    public void Injection_in_proportion_to_the_threads_holds_the_bursts_sixteen_minimum_threads_held_on_the_real_stack()
    {
        var fitted = BurstP99Seconds(16, PodOptions.FittedInjectionPerThreadSecond);
        var fixedInterval = BurstP99Seconds(16, 0);
        var fromDefault = BurstP99Seconds(2, PodOptions.FittedInjectionPerThreadSecond);

        Assert.True(fitted < 0.2, $"p99 {fitted} s at 16 threads with injection in proportion to them");
        Assert.True(fixedInterval > 0.2, $"p99 {fixedInterval} s at 16 threads, one thread per 0.5 s");
        Assert.True(fromDefault > 1, $"p99 {fromDefault} s from the runtime's default 2 threads");
    }
}
