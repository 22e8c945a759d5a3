using Autotune.Contracts;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>
/// Was a window disturbed by a PostgreSQL restart? A restart (for a <c>max_connections</c> change, this ApiTuning's or
/// another's on the same server) kills every pooled connection: requests fail, pools clear and refill, and the
/// window says nothing about the settings in force. Two kinds of evidence, both already at hand: connection opens
/// that failed with a SQLSTATE meaning the server went away (57P01 admin shutdown, 08006 connection failure), and a
/// <c>max_connections</c> change in the tuning history decided within the window (or the window before it, as the
/// restart and the settling after it take time).
/// </summary>
public static class RestartDisturbance
{
    /// <summary>Connection opens in the window that failed because the server restarted.</summary>
    public static double Failures(ObservedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return window.OpenFailures.Where(f => SqlStates.MeansServerRestarted(f.Key)).Sum(f => f.Value);
    }

    /// <summary>Why <paramref name="window"/> was disturbed by a restart, with the evidence; null when it was not.</summary>
    public static string? Of(ObservedWindow window, TuningState state)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(state);
        var failures = Failures(window);
        if (failures > 0)
        {
            return $"{Num.F(failures)} connection opens failed with 57P01/08006 (the database restarted)";
        }

        return RestartDecidedIn(state, window.Start, window.End);
    }

    /// <summary>Why the window summarised by <paramref name="before"/> was disturbed by a restart; null when it was not.</summary>
    public static string? Of(WindowSummary before, TuningState state, TimeSpan windowLength)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(state);
        if (before.RestartFailures > 0)
        {
            return $"{Num.F(before.RestartFailures)} connection opens failed with 57P01/08006 (the database restarted)";
        }

        return RestartDecidedIn(state, before.End - windowLength, before.End);
    }

    private static string? RestartDecidedIn(TuningState state, DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var entry in state.History)
        {
            var d = entry.Decision;
            // A decision applied together restarts the server for the max_connections step of its plan.
            if (d.IsAction && (d.Knob == Knob.PostgresMaxConnections || d.RequiresRestart) && d.Time > start && d.Time <= end)
            {
                var step = d.Knob == Knob.PostgresMaxConnections ? $"{d.From} -> {d.To}"
                    : d.Plan.FirstOrDefault(s => s.Knob == Knob.PostgresMaxConnections) is { } mc ? $"{mc.From} -> {mc.To}" : "raised with the decision that";
                return $"max_connections {step} restarted the database at {d.Time.UtcDateTime:HH:mm:ss}";
            }
        }

        return null;
    }
}
