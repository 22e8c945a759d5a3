using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// What the engine has learned about the API (<c>status.learned</c>), kept so that a restarted operator (or a new
/// leader) sizes and judges with it at once: the uncontended service and hold times, each knob's knee, and the moves
/// barred after a rollback.
/// </summary>
public sealed record LearnedStatus
{
    /// <summary>The uncontended times demand is sized with; absent until an uncontended window was seen.</summary>
    public BaselineStatus? Baseline { get; init; }

    /// <summary>What judged moves showed about each knob (minimum threads, pool), one entry per knob.</summary>
    [Length(0, 4)]
    public IReadOnlyList<KneeStatus> Knees { get; init; } = [];

    /// <summary>Moves rolled back for making things worse, not made again until their bar expires; at most one per knob and direction.</summary>
    [Length(0, 8)]
    public IReadOnlyList<BarredMoveStatus> Barred { get; init; } = [];
}
