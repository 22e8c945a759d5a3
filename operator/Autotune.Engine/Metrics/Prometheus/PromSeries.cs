using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Prometheus;

/// <summary>One value of a Prometheus query result at one evaluation time.</summary>
public readonly record struct PromPoint(DateTimeOffset Time, double Value);

/// <summary>One series of a Prometheus query result: its labels (and name) and its points (one for a vector).</summary>
public sealed record PromSeries(Series Series, IReadOnlyList<PromPoint> Points);

/// <summary>The result types of the Prometheus HTTP API.</summary>
public enum PromResultType
{
    /// <summary>An instant vector (<c>/api/v1/query</c>): one point per series.</summary>
    Vector,

    /// <summary>A range matrix (<c>/api/v1/query_range</c>): many points per series.</summary>
    Matrix,

    /// <summary>A single number.</summary>
    Scalar,

    /// <summary>A string.</summary>
    String,
}

/// <summary>What a Prometheus HTTP API query answered: its series, or the error it reported.</summary>
/// <param name="Succeeded">True when <c>status</c> was <c>success</c>.</param>
/// <param name="ResultType">The result type.</param>
/// <param name="Series">The series (a scalar becomes one series without labels).</param>
/// <param name="Error">The error type and message when the query failed or the body could not be read.</param>
/// <param name="Warnings">Warnings Prometheus attached.</param>
public sealed record PromQueryResult(
    bool Succeeded,
    PromResultType ResultType,
    IReadOnlyList<PromSeries> Series,
    string? Error,
    IReadOnlyList<string> Warnings)
{
    /// <summary>A failed result.</summary>
    public static PromQueryResult Failure(string error) => new(false, PromResultType.Vector, [], error, []);
}
