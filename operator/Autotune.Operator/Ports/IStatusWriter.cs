
namespace Autotune.Operator.Ports;

/// <summary>Reports what a reconcile saw and did: status once per pass, and an Event per change or refusal.</summary>
public interface IStatusWriter
{
    /// <summary>Records one Event (a change, a refusal, a hold worth telling).</summary>
    Task EventAsync(TuningEvent tuningEvent, CancellationToken cancellationToken);

    /// <summary>Writes the pass's status, once, when it changed.</summary>
    Task WriteAsync(TuningProgress progress, CancellationToken cancellationToken);
}

/// <summary>An Event: Normal or Warning, a CamelCase reason and a one-line message with the numbers.</summary>
public sealed record TuningEvent(DateTimeOffset Time, string Type, string Reason, string Message)
{
    /// <summary>Event type for what went as intended.</summary>
    public const string Normal = "Normal";

    /// <summary>Event type for a refusal, a fault or a rollback.</summary>
    public const string Warning = "Warning";
}

/// <summary>One window's progress line: what was observed and the settings in force.</summary>
public sealed record TuningProgress(
    DateTimeOffset Time,
    string Bottleneck,
    double Rps,
    double P99Ms,
    double ShareUnderObjective,
    double PoolWaitP99Ms,
    double PoolUsage,
    double PendingRequests,
    double QueueDepth,
    double CpuUtilization,
    int Pods,
    string Settings,
    string? Decision)
{
    /// <summary>The settings in force, knob by knob (null where unknown); <see cref="Settings"/> says the same in words.</summary>
    public Autotune.Engine.Decisions.Model.Settings? Applied { get; init; }
}
