using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Budget;

/// <summary>One step of a multi-step change with the connections it needs at its peak and the budget then.</summary>
/// <param name="Knob">The knob this step moves.</param>
/// <param name="From">Value before the step.</param>
/// <param name="To">Value after the step.</param>
/// <param name="PeakDemand">Connections all ApiTunings on the server may hold at the step's peak.</param>
/// <param name="Capacity">Connections they may spend during the step (effective max_connections minus reserved).</param>
public sealed record PlanStep(Knob Knob, int From, int To, int PeakDemand, int Capacity)
{
    /// <summary>This ApiTuning's connections ((replicas + surge) x pool) after the step.</summary>
    public int SelfDemand { get; init; }

    /// <summary>The most its DatabaseBudget grants it; null when it has no budget.</summary>
    public ConnectionShare? Share { get; init; }

    /// <summary>True when the step grows this ApiTuning beyond its budget's grant (a step that shrinks is never refused for it).</summary>
    public bool OverShare => Share is { } share && To > From && SelfDemand > share.Cap;

    /// <summary>True when the step keeps the connection invariant at its peak and this ApiTuning within its grant.</summary>
    public bool Fits => PeakDemand <= Capacity && !OverShare;
}
