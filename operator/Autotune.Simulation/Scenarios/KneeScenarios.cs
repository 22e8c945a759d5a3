using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>
/// Scenarios where a knob has a knee: past it more threads or more connections cost throughput (issue 16's fast async,
/// database-bound profile), started at the runtime's defaults and over-provisioned.
/// </summary>
public static class KneeScenarios
{
    /// <summary>Offered load of the busy async profile: 90% of one pod's 2 cores at 150 us a request, 78% of the database's 2 cores.</summary>
    public const double BusyAsyncRps = 12_000;

    /// <summary>150 us of API CPU and one 150 us query per request, 0.1 ms from the database: fast, async, database-bound.</summary>
    public static WorkloadProfile BusyAsyncWork { get; } = new() { CpuMs = 0.15, QueriesPerRequest = 1, QueryCpuMs = 0.13, NetworkRttMs = 0.1 };

    /// <summary>The busy async API started at the runtime's default threads and a pool of 8: nothing to gain, much to lose.</summary>
    public static Scenario BusyAsyncFromDefaults() => BusyAsync(
        "busy-async-defaults", minThreads: 2, pool: 8,
        "One pod of 2 cores (local mode: replicas stay 1) serves 12,000 req/s of a fast async, database-bound API at 90% CPU (150 us a request) with the runtime's default threads and a pool of 8, in front of a 2-core database at 78%. Work queues for the CPU, not for threads: each thread a raised minimum keeps runnable costs every request CPU in context switches, so past ~30 threads the pod cannot keep up (static 36: P99 x5; 72 and more: collapse). Leave the knee alone.");

    /// <summary>The same API started with 144 minimum threads and a pool of 64: above both knees, it cannot keep up.</summary>
    public static Scenario BusyAsyncOverProvisioned() => BusyAsync(
        "busy-async-over-provisioned", minThreads: 144, pool: 64,
        "The same API and load started over-provisioned: 144 minimum threads (each request loses ~64 us of CPU to context switches: the pod serves ~9,400 of 12,000 req/s) and a pool of 64 (past the database's knee: once the database saturates, 64 sessions serve less than 8). Bring both back down to their knees.");

    private static Scenario BusyAsync(string name, int minThreads, int pool, string description, string? notScoredBecause = null)
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(BusyAsyncRps),
            Workload = BusyAsyncWork,
            Pod = Calibration.ThreadCalibration.Pod,
            Replicas = 1,
            MinThreads = minThreads,
            PoolSize = pool,
        };
        return new Scenario
        {
            Name = name,
            Description = description,
            Database = new DatabaseOptions { Cores = 2, MaxConnections = 200 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api, RestartPolicy.Never, replicas: new KnobBudget { Min = 1, Max = 1 },
                minThreads: new KnobBudget { Min = 2, Max = 256 }, pool: new KnobBudget { Min = 2, Max = 80 },
                maxConnections: new KnobBudget { Min = 200, Max = 200 }, p99Ms: 100)],
            SteadyLoad = true,
            NotScoredBecause = notScoredBecause,
        };
    }
}
