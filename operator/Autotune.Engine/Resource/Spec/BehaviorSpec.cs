using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>Pacing of changes.</summary>
public sealed record BehaviorSpec
{
    /// <summary>Least time between two changes of one knob.</summary>
    [Range(0, 86_400)]
    public int CooldownSeconds { get; init; } = 120;

    /// <summary>How long the service must be comfortably under its objective before capacity is given back.</summary>
    [Range(0, 86_400)]
    public int ScaleInStabilizationSeconds { get; init; } = 300;

    /// <summary>Undo a change that made P99, the share under the objective or throughput worse at similar load.</summary>
    public bool RollbackOnRegression { get; init; } = true;
}
