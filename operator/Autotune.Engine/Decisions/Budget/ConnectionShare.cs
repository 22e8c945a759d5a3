namespace Autotune.Engine.Decisions.Budget;

/// <summary>
/// One ApiTuning's part of its DatabaseBudget for a pass: the most connections ((replicas + surge) x pool) it may
/// hold. A raise beyond it is refused, and an API holding more gives back first.
/// </summary>
/// <param name="Budget">The DatabaseBudget, namespace/name (for messages).</param>
/// <param name="Cap">The connections it may hold.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Share">Its weighted share were every API to want all it could.</param>
public sealed record ConnectionShare(string Budget, int Cap, int Weight, int Share)
{
    /// <summary>"DatabaseBudget shop/pg grants this API 120 connections (weight 2; weighted share 120)".</summary>
    public string Note() => $"DatabaseBudget {Budget} grants this API {Cap} connections (weight {Weight}; weighted share {Share})";
}
