using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>Scenarios where the process itself limits: too few threads, too small a pool, a far database, bad metrics.</summary>
public static class ThreadAndPoolScenarios
{
    /// <summary>Sync-over-async requests with bursts after idle gaps: threads retire in the gaps and the runtime adds them back one per half second.</summary>
    public static Scenario ThreadStarvation()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(800).WithIdleGaps(everySeconds: 120, gapSeconds: 30),
            Workload = new WorkloadProfile { CpuMs = 1.5, ExternalWaitMs = 40, BlockingShare = 1.0 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 50,
        };
        return new Scenario
        {
            Name = "thread-starvation",
            Description = "Every request blocks a thread through a 40 ms cache call; bursts after 30 s idle gaps find 2 threads and wait for injection. Raise minimum threads.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
            SteadyLoad = true,
        };
    }

    /// <summary>A pool of 2 per pod in front of requests that hold a connection for three queries.</summary>
    public static Scenario TinyPool()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(1000),
            Workload = new WorkloadProfile { CpuMs = 1.0, QueriesPerRequest = 3, QueryCpuMs = 0.3, NetworkRttMs = 1.0 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 2,
        };
        return new Scenario
        {
            Name = "tiny-pool",
            Description = "Pool 2 per pod, 500 rps per pod each holding a connection ~4 ms: requests queue for connections and time out. Raise the pool.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 100 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
            SteadyLoad = true,
        };
    }

    /// <summary>A database 15 ms away: each request holds its connection for three round trips.</summary>
    public static Scenario RemoteDatabase()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(600),
            Workload = new WorkloadProfile { CpuMs = 1.5, QueriesPerRequest = 3, QueryCpuMs = 0.3, NetworkRttMs = 15 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 10,
        };
        return new Scenario
        {
            Name = "remote-database",
            Description = "The database is 15 ms away (another region): 300 rps per pod x 46 ms hold needs ~14 connections per pod, the pool has 10. Raise the pool (Little's law).",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 100 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
            SteadyLoad = true,
        };
    }

    /// <summary>The tiny-pool problem seen through lossy, noisy metrics with a five-minute outage.</summary>
    public static Scenario NoisyAndMissingMetrics()
    {
        var tiny = TinyPool();
        return tiny with
        {
            Name = "noisy-missing-metrics",
            Description = "The tiny-pool problem, but 20% of scrapes are lost, gauges carry 30% noise and no pod can be scraped from minute 10 to 15. Act on sufficient evidence only, never blind.",
            Faults = new MetricsFaults { ScrapeLossProbability = 0.2, GaugeNoise = 0.3, Outages = [(600, 900)] },
        };
    }
}
