using Autotune.Contracts;

namespace Autotune.Agent;

/// <summary>The running agent: what it applied and where its metrics are served. Registered as a singleton.</summary>
public interface IAutotuneAgent
{
    /// <summary>The tuning file now applied, or null before any was.</summary>
    TuningFile? Applied { get; }

    /// <summary>The generation now applied (0 before any).</summary>
    long AppliedGeneration { get; }

    /// <summary>Tuning files rejected so far (missing, unreadable, invalid or half-written).</summary>
    long RejectedTuningFiles { get; }

    /// <summary>The port the metrics listener is bound to (the actual one when 0 was asked for); throws before the host started.</summary>
    int MetricsPort { get; }

    /// <summary>The URL of the metrics endpoint (loopback when bound to all interfaces); throws before the host started.</summary>
    Uri MetricsUri { get; }

    /// <summary>Completes when a tuning file of at least <paramref name="generation"/> has been applied.</summary>
    Task WaitForGenerationAsync(long generation, CancellationToken cancellationToken);

    /// <summary>Collects every exported metric now and returns it in the Prometheus text format.</summary>
    string CollectMetrics();
}
