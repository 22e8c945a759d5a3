using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>Rules across the knob budgets: min &lt;= max, and a connection budget that can hold at the minimums.</summary>
internal static class KnobRules
{
    public static void Check(ApiTuningSpec spec, ProblemList problems)
    {
        var knobs = spec.Knobs;
        foreach (var (name, budget) in Budgets(knobs))
        {
            if (budget.Min > budget.Max)
            {
                problems.Add(SpecPaths.Knob(name), $"min ({budget.Min}) is greater than max ({budget.Max}); set min <= max");
            }
        }

        CheckConnectionBudgetAtMinimums(spec, problems);
    }

    /// <summary>
    /// Even with every knob at its minimum, the pods' pools (surge pods of a rollout included) plus the reserved
    /// and admin connections must fit under the largest max_connections the budget allows; otherwise no state
    /// satisfies the connection invariant. Replicas not managed count as one pod. The server's own
    /// superuser_reserved_connections is unknown here and comes on top (the planner reads it).
    /// </summary>
    private static void CheckConnectionBudgetAtMinimums(ApiTuningSpec spec, ProblemList problems)
    {
        var pool = spec.Knobs.DbMaxPoolSize;
        var maxConnections = spec.Knobs.PostgresMaxConnections;
        if (pool is null || maxConnections is null)
        {
            return;
        }

        var replicas = spec.Knobs.Replicas?.Min ?? 1;
        var surge = spec.Apply.MaxSurge;
        var reserved = spec.Postgres?.ReservedConnections ?? 0;
        var needed = ((long)replicas + surge) * pool.Min + reserved + SpecLimits.AdminConnections;
        if (needed <= maxConnections.Max)
        {
            return;
        }

        var replicasText = spec.Knobs.Replicas is null ? "1 replica (replicas not managed)" : $"replicas.min {replicas}";
        problems.Add(
            $"{SpecPaths.PostgresMaxConnections}.max",
            $"{maxConnections.Max} cannot hold the connections the budgets need at their minimums: " +
            $"({replicasText} + apply.maxSurge {surge}) x dbMaxPoolSize.min {pool.Min} + postgres.reservedConnections {reserved} " +
            $"+ {SpecLimits.AdminConnections} admin = {needed}; raise postgresMaxConnections.max to at least {needed} " +
            "(plus the server's superuser_reserved_connections) or lower those minimums");
    }

    private static IEnumerable<(string Name, KnobBudget Budget)> Budgets(KnobsSpec knobs)
    {
        foreach (var property in ModelShape.Of(typeof(KnobsSpec)))
        {
            if (property.Info.GetValue(knobs) is KnobBudget budget)
            {
                yield return (property.JsonName, budget);
            }
        }
    }
}
