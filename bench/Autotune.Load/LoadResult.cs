namespace Autotune.Load;

/// <summary>A finished run: one report per step and per second.</summary>
/// <param name="Steps">One report per step, in order.</param>
/// <param name="Seconds">One report per second of the run, in order.</param>
/// <param name="StartedAt">Wall-clock time the first request was intended.</param>
public sealed record LoadResult(IReadOnlyList<IntervalReport> Steps, IReadOnlyList<IntervalReport> Seconds, DateTimeOffset StartedAt);
