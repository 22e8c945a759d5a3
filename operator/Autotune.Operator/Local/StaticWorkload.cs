using Autotune.Operator.Ports;

namespace Autotune.Operator.Local;

/// <summary>
/// Local mode given only the metrics URLs of API processes it did not start: it reads them, and recommends
/// replicas without changing them.
/// </summary>
public sealed class StaticWorkload(IReadOnlyList<Uri> metricsUrls) : ITargetWorkload
{
    /// <summary>Why replicas are recommended only, as printed.</summary>
    public const string Note = "replicas are recommended only: local mode was given metrics URLs, not a command to start the API";

    private readonly IReadOnlyList<PodEndpoint> _pods =
        metricsUrls.Select(url => new PodEndpoint($"{url.Host}:{url.Port}", url)).ToList();

    /// <inheritdoc />
    public Task<WorkloadState> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new WorkloadState(_pods.Count, _pods.Count, _pods, CanScale: false, Note));

    /// <inheritdoc />
    public Task ScaleAsync(int replicas, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(Note);
}
