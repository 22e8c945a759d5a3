using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// What the engine has learned about the API (<c>status.learned</c>), kept so that a restarted operator (or a new
/// leader) sizes and judges with it at once: the uncontended service and hold times, and each knob's knee.
/// </summary>
public sealed record LearnedStatus
{
    /// <summary>The uncontended times demand is sized with; absent until an uncontended window was seen.</summary>
    public BaselineStatus? Baseline { get; init; }

    /// <summary>What judged moves showed about each knob (minimum threads, pool), one entry per knob.</summary>
    [Length(0, 4)]
    public IReadOnlyList<KneeStatus> Knees { get; init; } = [];
}
