namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// The values a knob can take at all, whatever the budget says: the CRD bounds <c>min</c> and <c>max</c> of the
/// budget by them. Placed on a <see cref="KnobsSpec"/> property because the four budgets share one type.
/// </summary>
/// <param name="lowest">The smallest value min and max may have.</param>
/// <param name="highest">The largest value min and max may have.</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KnobLimitsAttribute(int lowest, int highest) : Attribute
{
    /// <summary>The smallest value min and max may have.</summary>
    public int Lowest { get; } = lowest;

    /// <summary>The largest value min and max may have.</summary>
    public int Highest { get; } = highest;
}
