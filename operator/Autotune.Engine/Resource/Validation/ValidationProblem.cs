namespace Autotune.Engine.Resource.Validation;

/// <summary>One thing wrong with a spec: the field it concerns and what to fix.</summary>
/// <param name="Field">Path of the field, e.g. <c>spec.knobs.dbMaxPoolSize</c>.</param>
/// <param name="Message">What is wrong and what to do about it, with the values involved.</param>
public sealed record ValidationProblem(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}
