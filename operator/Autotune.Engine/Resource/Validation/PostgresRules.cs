using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>Rules on the database: what max_connections tuning and restarts need, and the maintenance window.</summary>
internal static class PostgresRules
{
    /// <summary>Checks the database settings; returns the parsed maintenance window when there is a usable one.</summary>
    public static WeeklyWindow? Check(ApiTuningSpec spec, ProblemList problems)
    {
        var postgres = spec.Postgres;
        if (spec.Knobs.PostgresMaxConnections is not null && postgres?.AdminSecretRef is null)
        {
            problems.Add(SpecPaths.AdminSecretRef, "is required when knobs.postgresMaxConnections is set: max_connections is changed over this admin connection; set postgres.adminSecretRef or remove the knob");
        }

        if (postgres is null)
        {
            return null;
        }

        if (postgres.Pooler is { } pooler && spec.Knobs.PostgresMaxConnections is not null)
        {
            problems.Add(SpecPaths.PostgresMaxConnections, $"cannot be tuned behind a pooler: the APIs' pools share {pooler.Name}'s {pooler.MaxClientConnections} client connections, not max_connections; remove the knob or spec.postgres.pooler");
        }

        if (postgres.BudgetRef is { } budget && postgres.AdminSecretRef is null)
        {
            problems.Add(SpecPaths.AdminSecretRef, $"is required when budgetRef is set: it must name the Secret of DatabaseBudget {budget.Name}'s server (its spec.server.adminSecretRef); set it or remove postgres.budgetRef");
        }

        if (postgres.Restart != RestartPolicy.Never && postgres.WorkloadRef is null)
        {
            problems.Add(SpecPaths.WorkloadRef, $"is required when restart is {postgres.Restart}: it names the StatefulSet or Deployment to restart; set it or use restart: Never");
        }

        if (postgres.Restart == RestartPolicy.Window && postgres.MaintenanceWindow is null)
        {
            problems.Add(SpecPaths.MaintenanceWindow, "is required when restart is Window; set days, startUtc and durationMinutes, or use restart: Never or Immediate");
        }

        return postgres.MaintenanceWindow is { } window ? Parse(window, problems) : null;
    }

    private static WeeklyWindow? Parse(MaintenanceWindow window, ProblemList problems)
    {
        var duplicates = window.Days.GroupBy(d => d).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            problems.Add(SpecPaths.MaintenanceDays, $"lists {string.Join(", ", duplicates)} more than once; list each day once");
        }

        if (problems.Has(SpecPaths.MaintenanceWindow) ||
            !TimeOnly.TryParseExact(window.StartUtc, "HH:mm", out var start))
        {
            return null;
        }

        var days = window.Days.Select(WeeklyWindow.DayOf).ToHashSet();
        return new WeeklyWindow(days, start, TimeSpan.FromMinutes(window.DurationMinutes));
    }
}
