using Autotune.Contracts;
using Autotune.Simulation.Calibration;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

public sealed class DatabaseLawTests
{
    [Fact]
    public void Closed_loop_throughput_rises_to_the_cores_then_flattens_then_degrades()
    {
        var bench = new ClosedLoopBenchmark(new DatabaseOptions { Cores = 2, Degradation = 0.01 }, QueryCpuMs: 0.1, ClientMs: 0.05);

        var one = bench.Throughput(1);
        var cores = bench.Throughput(4);
        var many = bench.Throughput(64);
        var lots = bench.Throughput(256);

        Assert.True(cores > 1.5 * one, $"1 client {one:0}, 4 clients {cores:0}");
        Assert.True(cores <= 2 / 0.0001 * 1.0001, $"never more than cores / CPU per query: {cores:0}");
        Assert.True(many < cores, $"64 clients {many:0} vs 4 clients {cores:0}");
        Assert.True(lots < many, $"256 clients {lots:0} vs 64 clients {many:0}");
    }

    [Fact]
    public void A_smaller_pool_is_faster_when_the_database_is_saturated()
    {
        var work = new WorkloadProfile { CpuMs = 1, QueryCpuMs = 1.1, NetworkRttMs = 0.3 };
        SimulatedCluster World(int pool) => new(new DatabaseOptions { Cores = 2, MaxConnections = 500 },
            [new ApiOptions { Rate = RateProfile.Constant(1750), Workload = work, Replicas = 3, MinThreads = 64, PoolSize = pool }], 3);
        var small = World(2);
        var large = World(60);

        small.RunUntil(120);
        large.RunUntil(120);

        var okSmall = small.Apis[0].Pods.Sum(p => p.Metrics.RequestsOk.Count);
        var okLarge = large.Apis[0].Pods.Sum(p => p.Metrics.RequestsOk.Count);
        Assert.True(okSmall > 1.2 * okLarge, $"served with pool 2: {okSmall:0}, with pool 60: {okLarge:0}");
        Assert.True(large.Database.Stretch > small.Database.Stretch, $"stretch {large.Database.Stretch:0.0} vs {small.Database.Stretch:0.0}");
    }

    [Fact]
    public void Connections_past_max_connections_are_refused_with_53300()
    {
        var remote = new WorkloadProfile { CpuMs = 1, QueriesPerRequest = 2, QueryCpuMs = 0.3, NetworkRttMs = 12 };
        var tight = World.One(remote, rps: 800, replicas: 2, pool: 20, maxConnections: 20);
        var roomy = World.One(remote, rps: 800, replicas: 2, pool: 20, maxConnections: 200);

        World.Run(tight, 30);
        World.Run(roomy, 30);

        double Refused(SimulatedCluster c) => c.Apis[0].Pods.Sum(p => p.Metrics.OpenFailures.GetValueOrDefault(SqlStates.TooManyConnections));
        Assert.True(Refused(tight) > 100, $"refused {Refused(tight)}");
        Assert.Equal(0, Refused(roomy));
        Assert.True(tight.Database.OpenConnections <= 20 - 3 - 1, $"open {tight.Database.OpenConnections}");
    }

    [Fact]
    public void A_max_connections_restart_drops_every_connection_and_refuses_while_down()
    {
        var world = World.One(new WorkloadProfile(), rps: 500, pool: 10, maxConnections: 50);
        World.Run(world, 10);
        Assert.True(world.Database.OpenConnections > 0);

        world.Database.SetMaxConnections(100, restart: true, world.Now);
        World.Run(world, 2);

        var pod = world.Apis[0].Pods[0];
        Assert.Equal(100, world.Database.MaxConnections);
        Assert.True(pod.Metrics.OpenFailures.GetValueOrDefault(SqlStates.Other) > 0);
        World.Run(world, 10);
        Assert.True(world.Database.OpenConnections > 0, "connections reopen after the restart");
    }

    [Fact]
    public void Without_a_restart_max_connections_only_becomes_pending()
    {
        var world = World.One(new WorkloadProfile(), rps: 100, maxConnections: 50);

        world.Database.SetMaxConnections(100, restart: false, world.Now);

        Assert.Equal(50, world.Database.MaxConnections);
        Assert.Equal(100, world.Database.PendingMaxConnections);
    }
}
