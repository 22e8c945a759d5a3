using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Tests.Spec;

/// <summary>Specs for the validator tests: a valid one with every section set, to break one rule at a time.</summary>
internal static class Specs
{
    public static ApiTuningSpec Minimal() => new()
    {
        TargetRef = new TargetRef { Name = "orders-api" },
        Objectives = new Objectives(),
    };

    public static ApiTuningSpec Complete() => Minimal() with
    {
        Knobs = new KnobsSpec
        {
            Replicas = new KnobBudget { Min = 2, Max = 20 },
            ThreadPoolMinThreads = new KnobBudget { Min = 8, Max = 512 },
            DbMaxPoolSize = new KnobBudget { Min = 5, Max = 200 },
            PostgresMaxConnections = new KnobBudget { Min = 100, Max = 1000 },
        },
        Postgres = new PostgresSpec
        {
            AdminSecretRef = new SecretKeyRef { Name = "pg-admin" },
            WorkloadRef = new WorkloadRef { Name = "postgres" },
            Restart = RestartPolicy.Window,
            MaintenanceWindow = new MaintenanceWindow { Days = ["Sat", "Sun"], StartUtc = "02:00", DurationMinutes = 120 },
        },
    };

    public static ApiTuningSpec WithKnobs(this ApiTuningSpec spec, Func<KnobsSpec, KnobsSpec> change) =>
        spec with { Knobs = change(spec.Knobs) };

    public static ApiTuningSpec WithMetrics(this ApiTuningSpec spec, Func<MetricsSpec, MetricsSpec> change) =>
        spec with { Metrics = change(spec.Metrics) };

    public static ApiTuningSpec WithPostgres(this ApiTuningSpec spec, Func<PostgresSpec, PostgresSpec> change) =>
        spec with { Postgres = change(spec.Postgres!) };
}
