using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>
/// A move that made things worse and was rolled back (<c>status.learned.barred</c>): it is not made again until
/// <see cref="Until"/>, by this operator or one that takes over after a restart.
/// </summary>
public sealed record BarredMoveStatus
{
    /// <summary>The knob.</summary>
    public required Knob Knob { get; init; }

    /// <summary>The direction that backfired: Up (raising) or Down (lowering).</summary>
    public required BarredDirection Direction { get; init; }

    /// <summary>When the bar expires.</summary>
    public required DateTimeOffset Until { get; init; }

    /// <summary>The rollback message that barred it.</summary>
    [Length(0, 1024)]
    public required string Because { get; init; }
}
