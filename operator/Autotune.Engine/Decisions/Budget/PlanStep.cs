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
    /// <summary>True when the step keeps the connection invariant at its peak.</summary>
    public bool Fits => PeakDemand <= Capacity;
}
