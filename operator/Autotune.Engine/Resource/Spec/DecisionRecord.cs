using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>One decision as status records it (<c>lastDecision</c>, <c>history</c>).</summary>
public sealed record DecisionRecord
{
    /// <summary>When it was decided.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>Change, Rollback, Recommend or Hold.</summary>
    public required DecisionKind Kind { get; init; }

    /// <summary>The knob it concerns, if any.</summary>
    public Knob? Knob { get; init; }

    /// <summary>The knob's value before.</summary>
    public int? From { get; init; }

    /// <summary>The knob's value after (or advised).</summary>
    public int? To { get; init; }

    /// <summary>
    /// Every knob a decision applied together moved, in the order applied (<see cref="Knob"/> is one of them); absent
    /// when it moved one knob. A restarted operator judges and rolls back the change as a whole from it.
    /// </summary>
    [Length(2, 4)]
    public IReadOnlyList<DecisionStepRecord>? Steps { get; init; }

    /// <summary>The bottleneck diagnosed when it was decided.</summary>
    public Bottleneck? Bottleneck { get; init; }

    /// <summary>Machine-readable reason, CamelCase.</summary>
    [Length(1, 1024)]
    [RegularExpression(SpecPatterns.Reason, ErrorMessage = "a CamelCase reason")]
    public required string Reason { get; init; }

    /// <summary>The one-line explanation with its numbers (the Event's text).</summary>
    [Length(0, 1024)]
    public required string Message { get; init; }
}
