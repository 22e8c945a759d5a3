namespace Autotune.Operator.Ports;

/// <summary>The tuned workload: its replicas and its pods.</summary>
public interface ITargetWorkload
{
    /// <summary>Reads the workload's desired and ready replicas and its ready pods.</summary>
    Task<WorkloadState> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Sets the desired replicas (the scale subresource in a cluster; processes in local mode).</summary>
    Task ScaleAsync(int replicas, CancellationToken cancellationToken);
}

/// <summary>What the workload looks like now.</summary>
/// <param name="DesiredReplicas">Replicas asked for.</param>
/// <param name="ReadyReplicas">Replicas ready to serve.</param>
/// <param name="Pods">The ready pods, with their metrics endpoints.</param>
/// <param name="CanScale">False when replicas cannot be changed here (local mode without a start command, an HPA owning them).</param>
/// <param name="ScaleNote">Why replicas cannot be changed, for the output and the condition.</param>
public sealed record WorkloadState(int DesiredReplicas, int ReadyReplicas, IReadOnlyList<PodEndpoint> Pods, bool CanScale, string? ScaleNote);

/// <summary>A pod and the URL of its metrics endpoint.</summary>
/// <param name="Name">The pod's name.</param>
/// <param name="MetricsUrl">Where its metrics are scraped.</param>
/// <param name="CpuCores">The CPU its app container may use (its limit, else its request), which CPU utilization is measured
/// against; null when none is set, and the runtime's own processor count is used.</param>
public sealed record PodEndpoint(string Name, Uri MetricsUrl, double? CpuCores = null);
