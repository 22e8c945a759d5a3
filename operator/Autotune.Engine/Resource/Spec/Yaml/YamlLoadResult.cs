namespace Autotune.Engine.Resource.Spec.Yaml;

/// <summary>The ApiTunings read from a YAML text, and every problem met reading it.</summary>
public sealed record YamlLoadResult
{
    /// <summary>The documents that were read without a problem, in file order.</summary>
    public required IReadOnlyList<ApiTuningDocument> Documents { get; init; }

    /// <summary>Every problem, in file order; empty when the whole text was read.</summary>
    public required IReadOnlyList<YamlProblem> Problems { get; init; }

    /// <summary>True when every document was read without a problem.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>All problems on one line each, for a command-line error.</summary>
    public string Summary => string.Join(Environment.NewLine, Problems);
}
