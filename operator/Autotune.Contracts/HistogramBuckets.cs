namespace Autotune.Contracts;

/// <summary>
/// Bucket bounds (seconds) the agent configures and the simulator emits. ASP.NET Core's defaults jump
/// 100 -> 250 -> 500 ms, which makes an interpolated P99 fiction near a typical objective; these are fine
/// where objectives live.
/// </summary>
public static class HistogramBuckets
{
    /// <summary>Bounds for <c>http.server.request.duration</c>.</summary>
    public static IReadOnlyList<double> RequestDuration { get; } =
    [
        0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.075,
        0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.75, 1, 1.5, 2, 3, 5, 10, 30,
    ];

    /// <summary>Bounds for <c>db.client.connection.wait_time</c> and <c>use_time</c>.</summary>
    public static IReadOnlyList<double> Connection { get; } =
    [
        0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075,
        0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 15, 30,
    ];
}
