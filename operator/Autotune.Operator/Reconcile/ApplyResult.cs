namespace Autotune.Operator.Reconcile;

/// <summary>What applying a decision did.</summary>
/// <param name="Applied">True when the world changed.</param>
/// <param name="ExpectedGeneration">The tuning generation every pod must report, for an in-process change.</param>
/// <param name="Events">Events beyond the decision's own (a restart, a pending restart).</param>
/// <param name="Error">Why it failed, or null.</param>
public sealed record ApplyResult(bool Applied, long? ExpectedGeneration, IReadOnlyList<(string Type, string Reason, string Message)> Events, string? Error)
{
    /// <summary>Nothing was applied and nothing went wrong.</summary>
    public static ApplyResult Nothing { get; } = new(false, null, [], null);
}
