using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Model;

/// <summary>
/// The few numbers of a window that a later judgement compares against: kept in the tuning history beside each
/// change so that a change can be judged (and rolled back) after a restart of the operator.
/// </summary>
public sealed record WindowSummary
{
    /// <summary>End of the window summarised.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Requests per second completed.</summary>
    public double Rps { get; init; }

    /// <summary>Requests that arrived per second (completions plus the growth of requests in flight).</summary>
    public double ArrivalRps { get; init; }

    /// <summary>Requests in flight across the pods; NaN when not exported.</summary>
    public double InFlight { get; init; } = double.NaN;

    /// <summary>99th percentile latency, ms (NaN when unknown).</summary>
    public double P99Ms { get; init; } = double.NaN;

    /// <summary>Share of requests at or under the objective, 0..1 (NaN when unknown).</summary>
    public double ShareUnderObjective { get; init; } = double.NaN;

    /// <summary>Share of 5xx responses, 0..1.</summary>
    public double ErrorRate { get; init; }

    /// <summary>Mean connection hold time, ms (NaN when unknown).</summary>
    public double ConnectionHoldMeanMs { get; init; } = double.NaN;

    /// <summary>99th percentile wait for a pooled connection, ms (NaN when unknown, as in a state kept before it was recorded).</summary>
    public double PoolWaitP99Ms { get; init; } = double.NaN;

    /// <summary>Connection uses per second, all pods.</summary>
    public double ConnectionUsesPerSecond { get; init; }

    /// <summary>CPU utilisation, 0..1 (NaN when unknown).</summary>
    public double CpuUtilization { get; init; } = double.NaN;

    /// <summary>Requests completed in the window (0 when unknown, as in a state kept before it was recorded).</summary>
    public double Requests { get; init; }

    /// <summary>Connection opens that failed because the database restarted (57P01, 08006): the window was disturbed.</summary>
    public double RestartFailures { get; init; }

    /// <summary>The summary of a window.</summary>
    public static WindowSummary Of(ObservedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return new WindowSummary
        {
            End = window.End,
            Rps = window.Rps,
            ArrivalRps = window.ArrivalRps,
            InFlight = window.InFlight,
            P99Ms = window.P99Ms,
            ShareUnderObjective = window.ShareUnderObjective,
            ErrorRate = window.ErrorRate,
            ConnectionHoldMeanMs = window.ConnectionHoldMeanMs,
            PoolWaitP99Ms = window.PoolWaitP99Ms,
            ConnectionUsesPerSecond = window.ConnectionUsesPerSecond,
            CpuUtilization = window.CpuUtilization,
            Requests = window.Requests,
            RestartFailures = Guardrails.RestartDisturbance.Failures(window),
        };
    }
}
