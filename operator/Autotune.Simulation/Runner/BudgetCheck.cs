using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Model;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Runner;

/// <summary>
/// The connection invariant and the knob budgets, judged on the simulated world: sum over APIs of
/// (replicas + surge) x pool, plus superuser_reserved_connections, the admin connection and the users' reserve,
/// must not exceed max_connections; every knob stays inside its budget.
/// </summary>
public static class BudgetCheck
{
    /// <summary>Connections by which the configured state exceeds max_connections (0 when it holds).</summary>
    public static int Excess(Scenario scenario, SimulatedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(cluster);
        var db = cluster.Database;
        var reserve = scenario.Specs.Max(s => s.Postgres?.ReservedConnections ?? 0);
        var reserved = db.Options.SuperuserReserved + 1 + reserve;
        var demand = cluster.Apis.Sum(a => (a.Replicas + a.Options.MaxSurge) * a.Tuning.PoolSize);
        var limit = Math.Min(db.MaxConnections, db.PendingMaxConnections ?? db.MaxConnections);
        return Math.Max(0, demand + reserved - limit);
    }

    /// <summary>True when a knob of API <paramref name="index"/> that its spec budgets is outside that budget.</summary>
    public static bool OutsideBudget(Scenario scenario, SimulatedCluster cluster, int index)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(cluster);
        var knobs = scenario.Specs[index].Knobs;
        var api = cluster.Apis[index];
        return Outside(knobs.Replicas, api.Replicas)
            || Outside(knobs.ThreadPoolMinThreads, api.Tuning.MinThreads)
            || Outside(knobs.DbMaxPoolSize, api.Tuning.PoolSize)
            || Outside(knobs.PostgresMaxConnections, cluster.Database.PendingMaxConnections ?? cluster.Database.MaxConnections);
    }

    /// <summary>Value of <paramref name="knob"/> for API <paramref name="index"/>.</summary>
    public static int Value(SimulatedCluster cluster, int index, Knob knob)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var api = cluster.Apis[index];
        return knob switch
        {
            Knob.Replicas => api.Replicas,
            Knob.ThreadPoolMinThreads => api.Tuning.MinThreads,
            Knob.DbMaxPoolSize => api.Tuning.PoolSize,
            _ => cluster.Database.PendingMaxConnections ?? cluster.Database.MaxConnections,
        };
    }

    private static bool Outside(Engine.Resource.Spec.KnobBudget? budget, int value) => budget is not null && (value < budget.Min || value > budget.Max);
}
