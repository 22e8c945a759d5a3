namespace Autotune.Engine.Decisions.Budget;

/// <summary>A multi-step change in the order the connection budget demands, each step with its peak.</summary>
/// <param name="Steps">The steps, first to last.</param>
public sealed record ChangePlan(IReadOnlyList<PlanStep> Steps)
{
    /// <summary>True when every step keeps the connection invariant at its peak.</summary>
    public bool Fits => Steps.All(s => s.Fits);

    /// <summary>The first step that would break the invariant, if any.</summary>
    public PlanStep? FirstViolation => Steps.FirstOrDefault(s => !s.Fits);
}
