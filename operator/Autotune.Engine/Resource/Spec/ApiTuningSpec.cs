namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// The desired behaviour of one ApiTuning (<c>spec</c> of autotune.dev/v1alpha1 ApiTuning). Mirrors
/// crds/apituning.yaml field for field; a test fails when the two drift.
/// </summary>
public sealed record ApiTuningSpec
{
    /// <summary>The workload whose settings are tuned.</summary>
    public required TargetRef TargetRef { get; init; }

    /// <summary>Auto changes settings; Recommend only reports; Paused neither decides nor changes.</summary>
    public TuningMode Mode { get; init; } = TuningMode.Auto;

    /// <summary>The latency objective and the limits that reveal each bottleneck.</summary>
    public required Objectives Objectives { get; init; }

    /// <summary>Where and how often the metrics are read.</summary>
    public MetricsSpec Metrics { get; init; } = new();

    /// <summary>Budgets per knob; a knob left out is never changed.</summary>
    public KnobsSpec Knobs { get; init; } = new();

    /// <summary>How in-process settings reach the pods.</summary>
    public ApplySpec Apply { get; init; } = new();

    /// <summary>The database the API uses; required to tune or budget connections against it.</summary>
    public PostgresSpec? Postgres { get; init; }

    /// <summary>Pacing: cooldowns, stabilisation, rollback.</summary>
    public BehaviorSpec Behavior { get; init; } = new();
}

/// <summary>What the operator may do.</summary>
public enum TuningMode
{
    /// <summary>Decide and apply.</summary>
    Auto,

    /// <summary>Decide and report in status; change nothing.</summary>
    Recommend,

    /// <summary>Neither decide nor change; keep reporting observations.</summary>
    Paused,
}
