using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>
/// A change that was applied and is not yet judged: it waits until every pod reports it (or the server shows it),
/// then one full window more for a new pool to warm, and is then kept or rolled back.
/// </summary>
public sealed record PendingChange
{
    /// <summary>The knob that moved.</summary>
    public required Knob Knob { get; init; }

    /// <summary>Its value before.</summary>
    public required int From { get; init; }

    /// <summary>Its value after.</summary>
    public required int To { get; init; }

    /// <summary>Why it moved (a <c>DecisionReasons</c> constant).</summary>
    public required string Reason { get; init; }

    /// <summary>When the change was decided.</summary>
    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>The tuning generation every pod must report (in-process knobs); null when confirmed by value.</summary>
    public long? ExpectedGeneration { get; init; }

    /// <summary>When every pod (or the server) was first seen with the change; null while it is awaited.</summary>
    public DateTimeOffset? ConfirmedAt { get; init; }

    /// <summary>The window before the change, to judge it against.</summary>
    public WindowSummary? Before { get; init; }

    /// <summary>True when this change undoes an earlier one (a rollback is never itself rolled back).</summary>
    public bool IsRollback { get; init; }

    /// <summary>
    /// Every knob a decision applied together moved, in the order applied (<see cref="Knob"/> is one of them, the one
    /// whose tuning file confirms the change); empty when only <see cref="Knob"/> moved.
    /// </summary>
    public IReadOnlyList<KnobStep> Steps { get; init; } = [];

    /// <summary>Every knob the change moved: <see cref="Steps"/>, or <see cref="Knob"/> alone.</summary>
    public IReadOnlyList<KnobStep> Moves => Steps.Count > 0 ? Steps : [new KnobStep(Knob, From, To)];

    /// <summary>True when the change moved several knobs at once, to be judged and rolled back as one.</summary>
    public bool Together => Steps.Count > 1;

    /// <summary>Up or down.</summary>
    public Direction Direction => To >= From ? Direction.Up : Direction.Down;

    /// <summary>"Npgsql pool 4 -> 16" or, for a change of several knobs, each of them: "minimum threads 2 -> 17, Npgsql pool 4 -> 16".</summary>
    public string Describe() => string.Join(", ", Moves);
}
