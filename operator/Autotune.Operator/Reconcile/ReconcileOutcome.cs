using Autotune.Engine.Decisions.Model;

namespace Autotune.Operator.Reconcile;

/// <summary>What one reconcile saw, decided and did.</summary>
/// <param name="Observation">What was observed.</param>
/// <param name="Decision">The engine's decision.</param>
/// <param name="Applied">True when the decision changed the world.</param>
/// <param name="ApplyError">Why applying failed, or null.</param>
/// <param name="State">The tuning state after this pass (what status keeps).</param>
public sealed record ReconcileOutcome(Observation Observation, Decision Decision, bool Applied, string? ApplyError, TuningState State);
