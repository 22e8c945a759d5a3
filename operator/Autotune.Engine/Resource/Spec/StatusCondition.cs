using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>One status condition, in the shape of metav1.Condition.</summary>
public sealed record StatusCondition
{
    /// <summary>Condition type, CamelCase (<see cref="ConditionTypes"/>).</summary>
    [Length(1, 316)]
    [RegularExpression(SpecPatterns.ConditionType, ErrorMessage = "a condition type such as Ready")]
    public required string Type { get; init; }

    /// <summary>True, False or Unknown.</summary>
    public required ConditionStatus Status { get; init; }

    /// <summary>The metadata.generation the condition was set for.</summary>
    [Range(0L, long.MaxValue)]
    public long? ObservedGeneration { get; init; }

    /// <summary>When the status last changed.</summary>
    public required DateTimeOffset LastTransitionTime { get; init; }

    /// <summary>Machine-readable reason, CamelCase.</summary>
    [Length(1, 1024)]
    [RegularExpression(SpecPatterns.Reason, ErrorMessage = "a CamelCase reason")]
    public required string Reason { get; init; }

    /// <summary>What happened and what to do, for humans.</summary>
    [Length(0, 32_768)]
    public required string Message { get; init; }
}

/// <summary>The status of a condition.</summary>
public enum ConditionStatus
{
    /// <summary>The condition holds.</summary>
    True,

    /// <summary>The condition does not hold.</summary>
    False,

    /// <summary>Not known.</summary>
    Unknown,
}
