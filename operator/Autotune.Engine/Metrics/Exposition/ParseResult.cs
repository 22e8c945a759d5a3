namespace Autotune.Engine.Metrics.Exposition;

/// <summary>What one exposition text held: its samples, the declared types, and the lines that could not be read.</summary>
/// <param name="Samples">Every sample, in text order.</param>
/// <param name="Types">Declared metric type by family name (<c># TYPE</c> lines).</param>
/// <param name="Errors">Unreadable lines (at most <see cref="ExpositionParser.MaxErrors"/> kept).</param>
/// <param name="ErrorCount">Every unreadable line, including those not kept.</param>
public sealed record ParseResult(
    IReadOnlyList<Sample> Samples,
    IReadOnlyDictionary<string, MetricType> Types,
    IReadOnlyList<ParseError> Errors,
    int ErrorCount)
{
    /// <summary>True when every line was read.</summary>
    public bool IsClean => ErrorCount == 0;
}
