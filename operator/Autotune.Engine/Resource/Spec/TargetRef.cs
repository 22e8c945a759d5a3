using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>Reference to the tuned workload.</summary>
public sealed record TargetRef
{
    /// <summary>The only kind of workload that can be tuned today.</summary>
    public const string Deployment = "Deployment";

    /// <summary>Kind of the workload; only Deployment is supported.</summary>
    [AllowedValues(Deployment)]
    public string Kind { get; init; } = Deployment;

    /// <summary>Name of the workload in the ApiTuning's namespace.</summary>
    [Length(1, 253)]
    [RegularExpression(SpecPatterns.ObjectName, ErrorMessage = SpecPatterns.ObjectNameHint)]
    public required string Name { get; init; }
}
