using Autotune.Operator.Local;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Kubernetes.Adapters;

/// <summary>
/// Scrapes every ready pod of the target directly, concurrently, each bounded by its timeout: the same scraping as
/// local mode (<see cref="HttpMetricsSource"/>), fed with the pods the Deployment's selector finds in each round.
/// </summary>
public sealed class PodMetricsSource(DeploymentWorkload workload, HttpClient http, TimeSpan timeout, TimeProvider time) : IMetricsSource
{
    private readonly HttpMetricsSource _scraper = new(http, workload.ReadyPodsAsync, timeout, time);

    /// <inheritdoc />
    public Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken) => _scraper.ScrapeAsync(cancellationToken);
}
