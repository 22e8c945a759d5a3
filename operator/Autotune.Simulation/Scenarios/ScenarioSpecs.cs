using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Scenarios;

/// <summary>The ApiTuning every scenario starts from: P99 250 ms, all four knobs with broad budgets, a 60 s window.</summary>
public static class ScenarioSpecs
{
    /// <summary>An ApiTuning for <paramref name="api"/> with the given restart policy and budgets.</summary>
    public static ApiTuningSpec For(ApiOptions api, RestartPolicy restart = RestartPolicy.Immediate,
        KnobBudget? replicas = null, KnobBudget? minThreads = null, KnobBudget? pool = null, KnobBudget? maxConnections = null,
        double p99Ms = 250)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new ApiTuningSpec
        {
            TargetRef = new TargetRef { Name = api.Name },
            Objectives = new Objectives { P99LatencyMs = p99Ms, MaxPoolWaitMs = 20, MaxQueueDepth = 20 },
            Metrics = new MetricsSpec { Window = "60s", ScrapesPerWindow = 6 },
            Knobs = new KnobsSpec
            {
                Replicas = replicas ?? new KnobBudget { Min = 1, Max = 12 },
                ThreadPoolMinThreads = minThreads ?? new KnobBudget { Min = 2, Max = 512 },
                DbMaxPoolSize = pool ?? new KnobBudget { Min = 2, Max = 200 },
                PostgresMaxConnections = maxConnections ?? new KnobBudget { Min = 50, Max = 500 },
            },
            Apply = new ApplySpec { Method = ApplyMethod.HotReload, MaxSurge = api.MaxSurge },
            Postgres = new PostgresSpec
            {
                AdminSecretRef = new SecretKeyRef { Name = "pg-admin" },
                WorkloadRef = new WorkloadRef { Name = "postgres" },
                ReservedConnections = 10,
                Restart = restart,
            },
            Behavior = new BehaviorSpec { CooldownSeconds = 120, ScaleInStabilizationSeconds = 300, RollbackOnRegression = true },
        };
    }

    /// <summary>Window length in seconds of a spec (the scenarios use plain "Ns" or "Nm").</summary>
    public static double WindowSeconds(ApiTuningSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Metrics.Window.Trim();
        var value = double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture);
        return text.EndsWith('m') ? value * 60 : value;
    }

    /// <summary>Seconds between scrapes the spec asks for: its window divided by its scrapes per window.</summary>
    public static double ScrapeIntervalSeconds(ApiTuningSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return WindowSeconds(spec) / Math.Max(spec.Metrics.ScrapesPerWindow, 1);
    }
}
