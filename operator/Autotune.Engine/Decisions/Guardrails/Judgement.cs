using Autotune.Engine.Decisions.Model;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>The status of the change in flight, when it was confirmed, and (when regressed) why.</summary>
/// <param name="Status">Where it stands.</param>
/// <param name="ConfirmedAt">When it was confirmed, if it was.</param>
/// <param name="Why">Words with the numbers: what is awaited, or how it regressed.</param>
/// <param name="Pending">The change judged.</param>
public sealed record Judgement(PendingStatus Status, DateTimeOffset? ConfirmedAt, string Why, PendingChange? Pending);
