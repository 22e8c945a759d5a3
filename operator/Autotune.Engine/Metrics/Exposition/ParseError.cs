namespace Autotune.Engine.Metrics.Exposition;

/// <summary>A line of exposition text that could not be read; the rest of the text is still parsed.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Message">What is wrong with it.</param>
/// <param name="Text">The line, cut to at most 120 characters.</param>
public sealed record ParseError(int Line, string Message, string Text)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Message}: {Text}";
}
