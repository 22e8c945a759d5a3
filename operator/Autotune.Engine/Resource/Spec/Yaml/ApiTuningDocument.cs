namespace Autotune.Engine.Resource.Spec.Yaml;

/// <summary>One ApiTuning read from YAML: its name, namespace and spec (status, if present, is ignored).</summary>
public sealed record ApiTuningDocument
{
    /// <summary><c>metadata.name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>metadata.namespace</c>, null when the file leaves it to the context.</summary>
    public string? Namespace { get; init; }

    /// <summary>The spec, defaults filled; not yet validated (see <c>SpecValidator</c>).</summary>
    public required ApiTuningSpec Spec { get; init; }

    /// <summary>1-based line where the document starts.</summary>
    public required int Line { get; init; }
}
