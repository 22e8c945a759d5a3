using Autotune.Contracts;
using Autotune.Operator.Kubernetes;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

/// <summary>
/// In-memory ports for the controller's own tests (queue, status, leader election), where the Kubernetes ports'
/// behaviour is not the subject. Scenario tests use the real Kubernetes ports.
/// </summary>
internal sealed class FakePorts : ITargetWorkload, ISettingsApplier, IMetricsSource
{
    public int Replicas { get; set; } = 2;

    public TuningFile? Delivered { get; set; }

    /// <summary>Thrown by every read of the workload and settings when set (the API server failing).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Why every scrape fails, or null when scrapes return nothing at all.</summary>
    public string? ScrapeError { get; set; } = "connection refused";

    public int Created { get; private set; }

    /// <summary>The ports, with the real status writer (status and Events go to the API server).</summary>
    public KubernetesPortSet Create(k8s.IKubernetes client, ApiTuningResource resource, KubernetesPortOptions options)
    {
        Created++;
        return new KubernetesPortSet(this, this, this, null, new KubernetesStatusWriter(client, resource, options));
    }

    Task<WorkloadState> ITargetWorkload.ReadAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        var pods = Enumerable.Range(0, Replicas).Select(i => new PodEndpoint($"api-{i}", new Uri($"http://127.0.0.1:1/{i}"))).ToList();
        return Task.FromResult(new WorkloadState(Replicas, Replicas, pods, true, null));
    }

    Task ITargetWorkload.ScaleAsync(int replicas, CancellationToken cancellationToken)
    {
        Replicas = replicas;
        return Task.CompletedTask;
    }

    Task<TuningFile?> ISettingsApplier.ReadAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult(Delivered);
    }

    Task ISettingsApplier.ApplyAsync(TuningFile file, CancellationToken cancellationToken)
    {
        Delivered = file;
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<PodScrape>> IMetricsSource.ScrapeAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<PodScrape> round = ScrapeError is { } error
            ? Enumerable.Range(0, Replicas).Select(i => new PodScrape($"api-{i}", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(1), null, error)).ToList()
            : [];
        return Task.FromResult(round);
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
