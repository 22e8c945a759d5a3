using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>A move that made things worse and is not retried until <see cref="Until"/>.</summary>
/// <param name="Knob">The knob.</param>
/// <param name="Direction">The direction that backfired.</param>
/// <param name="Until">When the bar expires.</param>
/// <param name="Because">The rollback message that barred it.</param>
public sealed record BarredMove(Knob Knob, Direction Direction, DateTimeOffset Until, string Because);
