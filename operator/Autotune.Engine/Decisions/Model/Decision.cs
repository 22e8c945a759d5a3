using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>
/// The engine's answer for one ApiTuning and one window: a knob change with its reason and evidence, or a hold
/// with its reason. <see cref="Message"/> is the one-line text that becomes a Kubernetes Event, with the numbers.
/// </summary>
public sealed record Decision
{
    /// <summary>Change, rollback, recommendation or hold.</summary>
    public required DecisionKind Kind { get; init; }

    /// <summary>What limits the service, as diagnosed.</summary>
    public required Bottleneck Bottleneck { get; init; }

    /// <summary>Machine-readable reason, CamelCase (an Event's reason, a condition's reason).</summary>
    public required string Reason { get; init; }

    /// <summary>One line for humans, with the numbers: "Raised Npgsql pool 10 -> 24: pool wait p99 180 ms > 20 ms objective; ...".</summary>
    public required string Message { get; init; }

    /// <summary>The knob that moves (or would move), if any.</summary>
    public Knob? Knob { get; init; }

    /// <summary>Its value before.</summary>
    public int? From { get; init; }

    /// <summary>Its value after.</summary>
    public int? To { get; init; }

    /// <summary>The numbers the decision rests on, by name (rps, p99Ms, poolWaitP99Ms, ...).</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>When the decision was made.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The steps of the change this decision begins (its first step is <see cref="Knob"/>), in order.</summary>
    public IReadOnlyList<PlanStep> Plan { get; init; } = [];

    /// <summary>
    /// True when every step of <see cref="Plan"/> is applied in this pass, in order (max_connections confirmed before
    /// the pool grows); <see cref="Knob"/> is then the in-process knob whose tuning file confirms the change.
    /// </summary>
    public bool Together { get; init; }

    /// <summary>This ApiTuning's claim on its database ledger while the change is in flight (null: no connection change).</summary>
    public LedgerEntry? Claim { get; init; }

    /// <summary>Connections ((replicas + surge) x pool) this decision asks for, before its server's budget limits it; null: what it holds.</summary>
    public int? Wants { get; init; }

    /// <summary>True when the change needs a database restart (max_connections) before it takes effect.</summary>
    public bool RequiresRestart { get; init; }

    /// <summary>True when this decision changes the world (Change or Rollback in Auto mode).</summary>
    public bool IsAction => Kind is DecisionKind.Change or DecisionKind.Rollback;
}
