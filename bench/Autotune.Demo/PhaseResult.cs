using Autotune.Engine.Metrics.Windows;
using Autotune.Load;

namespace Autotune.Demo;

/// <summary>One phase of the demo (before, tuning, after): the client's reports and, per step, the server's window.</summary>
/// <param name="Name">before, tuning or after.</param>
/// <param name="StartedAt">When its first request was intended.</param>
/// <param name="Steps">The client's report per step.</param>
/// <param name="Seconds">The client's report per second.</param>
/// <param name="ServerWindows">Per step, the server's metrics window (null when it could not be read).</param>
/// <param name="Settings">The settings it ran at, as text.</param>
public sealed record PhaseResult(
    string Name,
    DateTimeOffset StartedAt,
    IReadOnlyList<IntervalReport> Steps,
    IReadOnlyList<IntervalReport> Seconds,
    IReadOnlyList<ObservedWindow?> ServerWindows,
    string Settings);
