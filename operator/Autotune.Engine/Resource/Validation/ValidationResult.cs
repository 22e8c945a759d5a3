namespace Autotune.Engine.Resource.Validation;

/// <summary>Every problem found in a spec at once; the parsed spec when there are none.</summary>
public sealed record ValidationResult
{
    /// <summary>Every problem, sorted by field; empty when the spec is valid.</summary>
    public required IReadOnlyList<ValidationProblem> Problems { get; init; }

    /// <summary>The spec with its durations parsed; null when <see cref="Problems"/> is not empty.</summary>
    public ValidatedSpec? Spec { get; init; }

    /// <summary>True when the spec has no problem.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>All problems on one line each, for a condition message or a command-line error.</summary>
    public string Summary => string.Join(Environment.NewLine, Problems);
}
