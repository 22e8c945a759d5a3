namespace Autotune.Engine.Model;

/// <summary>One entry of the tuning history: a decision and the window it was made on.</summary>
/// <param name="Decision">The decision.</param>
/// <param name="Before">Summary of the window the decision was made on (null when there was none).</param>
public sealed record DecisionRecord(Decision Decision, WindowSummary? Before);
