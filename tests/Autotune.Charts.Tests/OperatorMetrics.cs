namespace Autotune.Charts.Tests;

/// <summary>
/// The operator's own series the PrometheusRule and the dashboard read. The controller exports them under these
/// names; the agent's series are the contract's (Autotune.Contracts.MetricNames).
/// </summary>
internal static class OperatorMetrics
{
    /// <summary>Reconciles by <c>result</c> (acted, held, recommended for a completed pass; invalid_spec, apply_failed, error, started, deleted).</summary>
    public const string Reconciles = "autotune_reconciles_total";

    /// <summary>Histogram of reconcile durations in seconds.</summary>
    public const string ReconcileDuration = "autotune_reconcile_duration_seconds";

    /// <summary>Decisions by <c>knob</c> and <c>reason</c>.</summary>
    public const string Decisions = "autotune_decisions_total";

    /// <summary>The value of each knob now, by <c>namespace</c>, <c>name</c> (the ApiTuning) and <c>knob</c>.</summary>
    public const string KnobValue = "autotune_knob_value";

    /// <summary>1 while a condition of an ApiTuning is True, else 0, by <c>namespace</c>, <c>name</c> and <c>type</c>.</summary>
    public const string Condition = "autotune_condition";

    public static IReadOnlyList<string> All { get; } = [Reconciles, ReconcileDuration, Decisions, KnobValue, Condition];
}
