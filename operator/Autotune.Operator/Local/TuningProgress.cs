using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;

namespace Autotune.Operator.Local;

/// <summary>One window's progress line in local mode: what was observed, the settings in force and the decision.</summary>
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
    public Settings? Applied { get; init; }

    /// <summary>The progress line of a pass.</summary>
    public static TuningProgress Of(PassOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var w = outcome.Window;
        var decision = outcome.Decision;
        var c = outcome.Current;
        return new TuningProgress(
            outcome.Input.Now,
            decision.Bottleneck.ToString(),
            w?.Rps ?? 0,
            w?.P99Ms ?? double.NaN,
            w?.ShareUnderObjective ?? double.NaN,
            w?.PoolWaitP99Ms ?? double.NaN,
            w?.PoolUsage ?? double.NaN,
            w?.PendingRequestsMean ?? double.NaN,
            w?.QueueDepthMean ?? double.NaN,
            w?.CpuUtilization ?? double.NaN,
            outcome.Input.ReadyReplicas,
            $"replicas {Show(c.Replicas)} minThreads {Show(c.ThreadPoolMinThreads)} pool {Show(c.DbMaxPoolSize)} maxConnections {Show(c.PostgresMaxConnections)}",
            decision.IsAction || decision.Kind == Engine.Resource.Spec.DecisionKind.Recommend ? $"{decision.Reason}: {decision.Message}" : $"hold ({decision.Reason}): {decision.Message}")
        {
            Applied = c,
        };
    }

    private static string Show(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
