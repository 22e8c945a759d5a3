using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>One knob a change moved, and from what to what.</summary>
/// <param name="Knob">The knob.</param>
/// <param name="From">Its value before.</param>
/// <param name="To">Its value after.</param>
public sealed record KnobStep(Knob Knob, int From, int To)
{
    /// <summary>Up or down.</summary>
    public Direction Direction => To >= From ? Direction.Up : Direction.Down;

    /// <summary>"Npgsql pool 4 -> 16".</summary>
    public override string ToString() => $"{Label.Of(Knob)} {From} -> {To}";
}
