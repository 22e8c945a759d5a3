using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>A service that collapses under continued open-loop load and must recover on its running pods (issue 16's demo).</summary>
public static class CollapseScenarios
{
    /// <summary>The README's demo: blocking reads, a 50 ms database round trip, a pool of 4 and max_connections 20 at 200 req/s.</summary>
    public static Scenario DemoCollapse()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(200),
            Workload = new WorkloadProfile { CpuMs = 1, QueriesPerRequest = 1, QueryCpuMs = 0.3, NetworkRttMs = 50, BlockingShare = 1, SyncOverAsync = true },
            Replicas = 1,
            MinThreads = 2,
            PoolSize = 4,
            MaxSurge = 0,
        };
        return new Scenario
        {
            Name = "demo-collapse",
            Description = "The demo in one process (local mode: replicas stay 1, no surge): every request blocks its thread on an async 50 ms database round trip (sync-over-async: its continuation queues behind the backlog for a thread of its own); a pool of 4 serves 80 of 200 req/s offered, open loop and never easing, so threads pile up behind the pool and the backlog grows. Raise the pool past rate x hold (200 x 50 ms = 10), max_connections 20 first, and recover on the running process.",
            Database = new DatabaseOptions { Cores = 2, MaxConnections = 20 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api, RestartPolicy.Immediate, replicas: new KnobBudget { Min = 1, Max = 1 },
                minThreads: new KnobBudget { Min = 2, Max = 256 }, pool: new KnobBudget { Min = 2, Max = 80 },
                maxConnections: new KnobBudget { Min = 20, Max = 100 }, p99Ms: 200)],
            SteadyLoad = true,
        };
    }
}
