using Autotune.Agent.Metrics;
using Microsoft.Extensions.Hosting;

namespace Autotune.Agent.Shedding;

/// <summary>
/// Starts the thread pool's queue-delay probe with the host and creates the instruments that read it and the CPU
/// files, so their series are exported from the first scrape; stops the probe with the host.
/// </summary>
internal sealed class SignalProbes(ThreadPoolQueueDelay delay, SheddingMetrics shedding, CpuMetrics cpu) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here so that their observable instruments exist before the first collection.
        _ = shedding;
        _ = cpu;
        delay.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        delay.Dispose();
        return Task.CompletedTask;
    }
}
