using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

/// <summary>Small one-API worlds for the model's laws.</summary>
internal static class World
{
    public static SimulatedCluster One(WorkloadProfile workload, double rps, int replicas = 1, int minThreads = 2, int pool = 20,
        int maxConnections = 200, int dbCores = 4, RateProfile? rate = null, int seed = 7) =>
        new(new DatabaseOptions { Cores = dbCores, MaxConnections = maxConnections },
            [new ApiOptions { Rate = rate ?? RateProfile.Constant(rps), Workload = workload, Replicas = replicas, MinThreads = minThreads, PoolSize = pool }],
            seed);

    public static void Run(SimulatedCluster cluster, double seconds) => cluster.RunUntil(cluster.Now + seconds);
}
