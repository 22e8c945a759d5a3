namespace Autotune.Engine.Resource.Spec.Yaml;

/// <summary>Something wrong in an ApiTuning YAML file, with its place: line, column and field path.</summary>
/// <param name="Line">1-based line of the offending node.</param>
/// <param name="Column">1-based column of the offending node.</param>
/// <param name="Field">Path of the field, e.g. <c>spec.knobs.dbMaxPoolSize.max</c>.</param>
/// <param name="Message">What is wrong and what to write instead.</param>
public sealed record YamlProblem(int Line, int Column, string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}, column {Column}: {Field}: {Message}";
}
