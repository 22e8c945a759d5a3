using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>A key in a Secret.</summary>
public sealed record SecretKeyRef
{
    /// <summary>Secret name.</summary>
    [Length(1, 253)]
    [RegularExpression(SpecPatterns.ObjectName, ErrorMessage = SpecPatterns.ObjectNameHint)]
    public required string Name { get; init; }

    /// <summary>Key within the Secret.</summary>
    [Length(1, 253)]
    [RegularExpression(SpecPatterns.SecretKey, ErrorMessage = "a Secret key: letters, digits, '-', '_' and '.'")]
    public string Key { get; init; } = "connectionString";
}
