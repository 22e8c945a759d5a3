namespace Autotune.Engine.Resource.Spec;

/// <summary>One knob of a decision that moved several together, as status records it (<c>lastDecision.steps</c>).</summary>
public sealed record DecisionStepRecord
{
    /// <summary>The knob.</summary>
    public required Knob Knob { get; init; }

    /// <summary>Its value before.</summary>
    public required int From { get; init; }

    /// <summary>Its value after.</summary>
    public required int To { get; init; }
}
