using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// What the operator reports (<c>status</c> of an ApiTuning). Mirrors crds/apituning.yaml field for field; a test
/// fails when the two drift. Written only by the operator, once per reconcile.
/// </summary>
public sealed record ApiTuningStatus
{
    /// <summary>Most decisions <see cref="History"/> keeps.</summary>
    public const int HistoryLimit = 20;

    /// <summary>The metadata.generation of the spec the status was computed from.</summary>
    [Range(0L, long.MaxValue)]
    public long? ObservedGeneration { get; init; }

    /// <summary>Standard conditions, one per type (<see cref="ConditionTypes"/>).</summary>
    [Length(0, 16)]
    public IReadOnlyList<StatusCondition> Conditions { get; init; } = [];

    /// <summary>What limits the service now, as diagnosed from the last window.</summary>
    public Bottleneck? Bottleneck { get; init; }

    /// <summary>What the last metrics window showed, aggregated over the target's pods.</summary>
    public ObservedStatus? Observed { get; init; }

    /// <summary>The value of every knob now (applied and confirmed where the operator can tell).</summary>
    public KnobValues? Current { get; init; }

    /// <summary>The values the engine advises (Recommend mode, or knobs in Recommend); empty when it advises nothing.</summary>
    public KnobValues? Recommended { get; init; }

    /// <summary>The newest decision that changed, rolled back or advised a knob.</summary>
    public DecisionRecord? LastDecision { get; init; }

    /// <summary>The last decisions, newest first, at most <see cref="HistoryLimit"/>.</summary>
    [Length(0, HistoryLimit)]
    public IReadOnlyList<DecisionRecord> History { get; init; } = [];

    /// <summary>What the engine learned about the API (uncontended times, knees), for a restarted operator to resume with.</summary>
    public LearnedStatus? Learned { get; init; }
}
