
namespace Autotune.Engine.Resource.Validation;

/// <summary>Field paths the cross-field rules name in their problems.</summary>
public static class SpecPaths
{
    /// <summary>The spec.</summary>
    public const string Spec = "spec";

    /// <summary>The knob budgets.</summary>
    public const string Knobs = "spec.knobs";

    /// <summary>The PostgreSQL max_connections budget.</summary>
    public const string PostgresMaxConnections = "spec.knobs.postgresMaxConnections";

    /// <summary>The metrics window.</summary>
    public const string Window = "spec.metrics.window";

    /// <summary>Scrapes per window.</summary>
    public const string ScrapesPerWindow = "spec.metrics.scrapesPerWindow";

    /// <summary>The Prometheus server.</summary>
    public const string Prometheus = "spec.metrics.prometheus";

    /// <summary>The Prometheus URL.</summary>
    public const string PrometheusUrl = "spec.metrics.prometheus.url";

    /// <summary>The pool-wait objective.</summary>
    public const string MaxPoolWaitMs = "spec.objectives.maxPoolWaitMs";

    /// <summary>The database.</summary>
    public const string Postgres = "spec.postgres";

    /// <summary>The admin connection's Secret.</summary>
    public const string AdminSecretRef = "spec.postgres.adminSecretRef";

    /// <summary>The database workload.</summary>
    public const string WorkloadRef = "spec.postgres.workloadRef";

    /// <summary>The maintenance window.</summary>
    public const string MaintenanceWindow = "spec.postgres.maintenanceWindow";

    /// <summary>The maintenance window's days.</summary>
    public const string MaintenanceDays = "spec.postgres.maintenanceWindow.days";

    /// <summary>The knob cooldown.</summary>
    public const string Cooldown = "spec.behavior.cooldownSeconds";

    /// <summary>The scale-in stabilisation time.</summary>
    public const string ScaleInStabilization = "spec.behavior.scaleInStabilizationSeconds";

    /// <summary>The path of one knob's budget, e.g. spec.knobs.dbMaxPoolSize.</summary>
    public static string Knob(string jsonName) => $"{Knobs}.{jsonName}";
}
