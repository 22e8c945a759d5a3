using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>Scenarios about the shape and size of the load: CPU-bound, spikes, a day's cycle, too much capacity.</summary>
public static class LoadScenarios
{
    /// <summary>CPU-heavy requests on too few pods.</summary>
    public static Scenario CpuBound()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(600),
            Workload = new WorkloadProfile { CpuMs = 8 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 20,
        };
        return new Scenario
        {
            Name = "cpu-bound",
            Description = "8 ms of CPU per request at 600 rps needs 4.8 cores; 2 pods have 4. Add replicas (and only replicas).",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
            SteadyLoad = true,
        };
    }

    /// <summary>A five-fold spike for five minutes.</summary>
    public static Scenario Spike()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Spike(300, 1500, startSeconds: 1200, lengthSeconds: 300),
            Workload = new WorkloadProfile { CpuMs = 3, QueriesPerRequest = 2, QueryCpuMs = 0.3, NetworkRttMs = 1 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 10,
        };
        return new Scenario
        {
            Name = "spike",
            Description = "300 rps with a 1500 rps spike at minute 20 for 5 minutes (4.5 cores of CPU). Scale out fast, scale in after it.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
        };
    }

    /// <summary>A day's cycle compressed into an hour.</summary>
    public static Scenario Diurnal()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Diurnal(150, 1400, periodSeconds: 3600),
            Workload = new WorkloadProfile { CpuMs = 3, QueriesPerRequest = 2, QueryCpuMs = 0.3, NetworkRttMs = 1 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 10,
        };
        return new Scenario
        {
            Name = "diurnal",
            Description = "150 -> 1400 -> 150 rps over the hour (a day compressed). Follow the load up and back down.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
        };
    }

    /// <summary>Ten pods for the load of one.</summary>
    public static Scenario OverProvisioned()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(300),
            Workload = new WorkloadProfile { CpuMs = 2 },
            Replicas = 10,
            MinThreads = 2,
            PoolSize = 10,
        };
        return new Scenario
        {
            Name = "over-provisioned",
            Description = "10 pods serve 300 rps (15% of one pod's CPU each). Give capacity back, one step at a time.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 200 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
            SteadyLoad = true,
        };
    }
}
