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

    /// <summary>Watches and loops of an operator instance down now (its /readyz fails while above 0).</summary>
    public const string ControllerDown = "autotune_controller_down";

    /// <summary>Failed lists and watches by <c>collection</c> and <c>cause</c>.</summary>
    public const string WatchFailures = "autotune_watch_failures_total";

    /// <summary>Unexpected exceptions that stopped a long-running loop, by <c>loop</c>.</summary>
    public const string LoopFailures = "autotune_loop_failures_total";

    /// <summary>Status and Event writes that ran out of their deadline, by <c>kind</c>.</summary>
    public const string StatusWriteTimeouts = "autotune_status_write_timeouts_total";

    public static IReadOnlyList<string> All { get; } = [Reconciles, ReconcileDuration, Decisions, KnobValue, Condition, ControllerDown, WatchFailures, LoopFailures, StatusWriteTimeouts];
}
