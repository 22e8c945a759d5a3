using Autotune.Contracts;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

public sealed class PoolLawTests
{
    // 3 queries x (1 ms round trip + 0.3 ms) hold a connection ~4 ms: 500 rps needs ~2 connections on average.
    private static readonly WorkloadProfile ThreeQueries = new() { CpuMs = 1, QueriesPerRequest = 3, QueryCpuMs = 0.3, NetworkRttMs = 1 };

    [Theory]
    [InlineData(1, 0.05)]
    [InlineData(2, 0.005)]
    public void Pool_wait_rises_when_the_pool_is_smaller_than_rate_times_hold(int pool, double minimumWaitSeconds)
    {
        var small = World.One(ThreeQueries, rps: 500, pool: pool);
        var large = World.One(ThreeQueries, rps: 500, pool: 20);

        World.Run(small, 60);
        World.Run(large, 60);

        var waitSmall = small.Apis[0].Pods[0].Metrics.PoolWait.Quantile(0.99);
        var waitLarge = large.Apis[0].Pods[0].Metrics.PoolWait.Quantile(0.99);
        Assert.True(waitSmall > minimumWaitSeconds, $"pool {pool}: wait p99 {waitSmall} s");
        Assert.True(waitLarge < 0.002, $"pool 20: wait p99 {waitLarge} s");
    }

    [Fact]
    public void Requests_that_wait_longer_than_the_pool_timeout_fail_with_503()
    {
        var world = World.One(ThreeQueries, rps: 1000, pool: 1);

        World.Run(world, 60);

        var metrics = world.Apis[0].Pods[0].Metrics;
        Assert.True(metrics.PoolTimeouts > 1000, $"timeouts {metrics.PoolTimeouts}");
        Assert.Equal(metrics.PoolTimeouts, metrics.RequestsUnavailable.Count, 6);
    }

    [Fact]
    public void A_larger_pool_held_by_the_application_is_taken_up_only_after_the_tuning_generation_arrives()
    {
        var world = World.One(ThreeQueries, rps: 500, pool: 2);
        var api = world.Apis[0];
        World.Run(world, 10);

        api.SetTuning(2, 10, world.Now, world.Random);
        Assert.Equal(2, api.Pods[0].Tuning.PoolSize);
        World.Run(world, 10);

        Assert.Equal(10, api.Pods[0].Tuning.PoolSize);
        Assert.Equal(1, api.Pods[0].Tuning.Generation);
        Assert.Contains($"{MetricNames.AppliedPoolSize.Prometheus} 10", Metrics.PrometheusTextWriter.Render(api.Pods[0]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_pool_swap_never_holds_more_than_the_larger_pool_and_the_pod_says_so_only_when_configured(bool advertises)
    {
        var world = new SimulatedCluster(new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            [new ApiOptions { Rate = RateProfile.Constant(1000), Workload = ThreeQueries, Replicas = 1, MinThreads = 2, PoolSize = 4, Pod = new PodOptions { BoundedPoolSwap = advertises } }],
            seed: 7);
        var api = world.Apis[0];
        World.Run(world, 30);
        var most = 0.0;

        api.SetTuning(2, 12, world.Now, world.Random);
        for (var i = 0; i < 40; i++)
        {
            World.Run(world, 0.5);
            most = Math.Max(most, api.Pods[0].Connections);
        }

        Assert.Equal(12, api.Pods[0].Tuning.PoolSize);
        Assert.True(most is > 4 and <= 12, $"at most {most} connections through the swap 4 -> 12");
        Assert.Equal(advertises, Metrics.PrometheusTextWriter.Render(api.Pods[0]).Contains(MetricNames.BoundedPoolSwap.Prometheus, StringComparison.Ordinal));
    }
}
