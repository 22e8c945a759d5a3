using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>Scenarios where the database and its connection budget decide.</summary>
public static class DatabaseScenarios
{
    /// <summary>A 2-core database behind large pools: past its cores more connections make every query slower.</summary>
    public static Scenario DatabaseBound()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(1500),
            Workload = new WorkloadProfile { CpuMs = 1, QueriesPerRequest = 1, QueryCpuMs = 1.1, NetworkRttMs = 0.3 },
            Replicas = 3,
            MinThreads = 64,
            PoolSize = 60,
        };
        return new Scenario
        {
            Name = "database-bound",
            Description = "1500 queries/s of 1.1 ms on a 2-core server (83% busy) behind 3 x 60 connections: bursts pile sessions into the server and contention slows every query. A smaller pool is faster.",
            Database = new DatabaseOptions { Cores = 2, MaxConnections = 300 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api)],
            SteadyLoad = true,
        };
    }

    /// <summary>Three APIs on one server; one needs more connections, the budget is shared.</summary>
    public static Scenario SharedDatabase()
    {
        ApiOptions Api(string name, double rps, double rtt) => new()
        {
            Name = name,
            Rate = RateProfile.Constant(rps),
            Workload = new WorkloadProfile { CpuMs = 1.5, QueriesPerRequest = 2, QueryCpuMs = 0.3, NetworkRttMs = rtt },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 10,
        };
        ApiOptions[] apis = [Api("orders-api", 1400, 8), Api("catalog-api", 400, 1), Api("payments-api", 200, 2)];
        return new Scenario
        {
            Name = "shared-database",
            Description = "orders, catalog and payments share one server (max_connections 120); orders (700 rps per pod x 17 ms hold) needs ~15 connections per pod and has 10. Grow orders' pool without spending the others' share.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 120 },
            Apis = apis,
            Specs = [.. apis.Select(a => ScenarioSpecs.For(a, maxConnections: new KnobBudget { Min = 100, Max = 300 }))],
            SteadyLoad = true,
        };
    }

    /// <summary>Pools that need more connections than max_connections allows.</summary>
    public static Scenario MaxConnectionsTooLow(bool restartAllowed)
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(800),
            Workload = new WorkloadProfile { CpuMs = 1.5, QueriesPerRequest = 2, QueryCpuMs = 0.3, NetworkRttMs = 12 },
            Replicas = 2,
            MinThreads = 2,
            PoolSize = 8,
        };
        return new Scenario
        {
            Name = restartAllowed ? "max-connections-low-restart" : "max-connections-low-no-restart",
            Description = restartAllowed
                ? "400 rps per pod x 25 ms hold needs ~14 connections per pod; max_connections 40 leaves 26 for 3 x pool. Raise max_connections (restart allowed), then the pools."
                : "The same, but the database may not be restarted: report PendingRestart/BudgetExhausted and stay inside the budget.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 40 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api, restartAllowed ? RestartPolicy.Immediate : RestartPolicy.Never, maxConnections: new KnobBudget { Min = 40, Max = 200 })],
            Feasible = restartAllowed,
            SteadyLoad = true,
        };
    }

    /// <summary>A starting state whose pools already exceed max_connections.</summary>
    public static Scenario BrokenBudgetAtStart()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(600),
            Workload = new WorkloadProfile { CpuMs = 1.5, QueriesPerRequest = 1, QueryCpuMs = 0.5, NetworkRttMs = 1 },
            Replicas = 4,
            MinThreads = 2,
            PoolSize = 50,
        };
        return new Scenario
        {
            Name = "broken-budget-at-start",
            Description = "4 pods (+1 surge) x pool 50 = 250 connections against max_connections 100: repair the budget first (smaller pools), then tune.",
            Database = new DatabaseOptions { Cores = 4, MaxConnections = 100 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api, RestartPolicy.Never, maxConnections: new KnobBudget { Min = 100, Max = 100 })],
            SteadyLoad = true,
        };
    }

    /// <summary>Pool wait says "bigger pool", but every extra session contends for hot rows: growing the pool makes it worse.</summary>
    public static Scenario Backfire()
    {
        var api = new ApiOptions
        {
            Rate = RateProfile.Constant(1450),
            Workload = new WorkloadProfile { CpuMs = 1, QueriesPerRequest = 1, QueryCpuMs = 1.0, NetworkRttMs = 0.3 },
            Replicas = 3,
            MinThreads = 32,
            PoolSize = 1,
        };
        return new Scenario
        {
            Name = "backfire",
            Description = "1450 updates/s of 1 ms on hot rows of a 2-core server through 3 x 1 connections: requests wait for the pool (P99 ~120 ms), but each extra session adds lock contention (10% per session past the cores): 3 x 2 still works, 3 x 3 or more collapses the server. A raise must be judged and rolled back.",
            Database = new DatabaseOptions { Cores = 2, MaxConnections = 300, Degradation = 0.1 },
            Apis = [api],
            Specs = [ScenarioSpecs.For(api, pool: new KnobBudget { Min = 1, Max = 200 })],
            SteadyLoad = true,
        };
    }
}
