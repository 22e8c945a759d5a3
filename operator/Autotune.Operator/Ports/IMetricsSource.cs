namespace Autotune.Operator.Ports;

/// <summary>Reads the target's metrics: one round of scrapes of every pod (or the same series from Prometheus).</summary>
public interface IMetricsSource
{
    /// <summary>Scrapes every pod once, concurrently, each bounded by its timeout. Never throws for one pod's failure.</summary>
    Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken);
}

/// <summary>One scrape of one pod: its text, or why there is none, and how long it took.</summary>
/// <param name="Pod">Pod name (in local mode, the process's address).</param>
/// <param name="At">When the scrape completed.</param>
/// <param name="Latency">How long the scrape took; a slow scrape of a live process is evidence of starvation.</param>
/// <param name="Text">The Prometheus exposition text, or null when the scrape failed or its bytes are in <see cref="Body"/>.</param>
/// <param name="Error">Why it failed (timeout, refused, HTTP status), or null.</param>
public sealed record PodScrape(string Pod, DateTimeOffset At, TimeSpan Latency, string? Text, string? Error)
{
    /// <summary>
    /// The exposition as the response's UTF-8 bytes in pooled buffers (instead of <see cref="Text"/>); whoever parses
    /// it disposes it (<see cref="Reconcile.WindowCollector.ToScrape"/> does).
    /// </summary>
    public ScrapeBody? Body { get; init; }

    /// <summary>True when the scrape returned metrics.</summary>
    public bool Succeeded => Text is not null || Body is not null;

    /// <summary>True when the pod accepted the connection but did not answer in time (alive but starved, or overloaded).</summary>
    public bool TimedOut { get; init; }
}
