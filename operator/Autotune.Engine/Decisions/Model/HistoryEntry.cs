namespace Autotune.Engine.Decisions.Model;

/// <summary>One entry of the engine's tuning history: a decision and the window it was made on (status shows it as a DecisionRecord).</summary>
/// <param name="Decision">The decision.</param>
/// <param name="Before">Summary of the window the decision was made on (null when there was none).</param>
public sealed record HistoryEntry(Decision Decision, WindowSummary? Before);
