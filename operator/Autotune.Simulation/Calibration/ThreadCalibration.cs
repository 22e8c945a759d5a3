using Autotune.Simulation.Model;

namespace Autotune.Simulation.Calibration;

/// <summary>
/// The measurement the context-switch cost is calibrated on (issue 16): the sample API's fast async, database-bound
/// profile on 2 cores at 10-15k req/s, where 144 minimum threads with a pool of 10 served 0.7x the throughput of the
/// runtime's default threads with the same pool. Here one pod of 2 cores is offered more than it can serve and its
/// completions per second are counted.
/// </summary>
public static class ThreadCalibration
{
    /// <summary>The measured ratio: throughput with 144 minimum threads / with the runtime's default, pool 10 both.</summary>
    public const double MeasuredRatio = 0.7;

    /// <summary>About 150 us of API CPU per request (~13k req/s on 2 cores), one short query on a database with room.</summary>
    public static WorkloadProfile FastAsync { get; } = new() { CpuMs = 0.15, QueriesPerRequest = 1, QueryCpuMs = 0.05, NetworkRttMs = 0.1 };

    /// <summary>The pod the calibration runs: 2 cores, a thread holding its request's wait for a core only while threads share the cores.</summary>
    public static PodOptions Pod { get; } = new() { ThreadHoldsCoreWait = false };

    /// <summary>Requests per second one saturated pod completes with <paramref name="minThreads"/> and <paramref name="pool"/>.</summary>
    public static double SaturatedThroughput(int minThreads, int pool = 10, double seconds = 60, PodOptions? pod = null)
    {
        var world = new SimulatedCluster(new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            [new ApiOptions { Rate = RateProfile.Constant(20_000), Workload = FastAsync, Pod = pod ?? Pod, Replicas = 1, MinThreads = minThreads, PoolSize = pool }],
            seed: 7);
        world.RunUntil(seconds);
        return world.Apis[0].Pods.Sum(p => p.Metrics.RequestsOk.Count) / seconds;
    }
}
