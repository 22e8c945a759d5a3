using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>A workload reference.</summary>
public sealed record WorkloadRef
{
    /// <summary>Kind, StatefulSet or Deployment.</summary>
    [AllowedValues("StatefulSet", "Deployment")]
    public string Kind { get; init; } = "StatefulSet";

    /// <summary>Name in the ApiTuning's namespace.</summary>
    [Length(1, 253)]
    [RegularExpression(SpecPatterns.ObjectName, ErrorMessage = SpecPatterns.ObjectNameHint)]
    public required string Name { get; init; }
}
