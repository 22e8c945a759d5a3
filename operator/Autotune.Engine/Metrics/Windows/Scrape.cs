using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>One scrape of one pod: when it was taken, how long it took, and what it returned.</summary>
public sealed record Scrape
{
    /// <summary>The pod scraped.</summary>
    public required string Pod { get; init; }

    /// <summary>When the scrape was taken (passed in by the caller; the engine has no clock).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>How long the scrape took, milliseconds (for a timeout, the time waited).</summary>
    public required double LatencyMs { get; init; }

    /// <summary>How it ended.</summary>
    public ScrapeOutcome Outcome { get; init; } = ScrapeOutcome.Succeeded;

    /// <summary>The samples read (empty unless it succeeded).</summary>
    public IReadOnlyList<Sample> Samples { get; init; } = [];

    /// <summary>Lines of the response that could not be parsed.</summary>
    public int ParseErrors { get; init; }

    /// <summary>A successful scrape from parsed text.</summary>
    public static Scrape Parsed(string pod, DateTimeOffset time, double latencyMs, ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new Scrape { Pod = pod, Time = time, LatencyMs = latencyMs, Samples = result.Samples, ParseErrors = result.ErrorCount };
    }

    /// <summary>A scrape that timed out after <paramref name="latencyMs"/>.</summary>
    public static Scrape TimedOut(string pod, DateTimeOffset time, double latencyMs) =>
        new() { Pod = pod, Time = time, LatencyMs = latencyMs, Outcome = ScrapeOutcome.TimedOut };

    /// <summary>A scrape that got no answer.</summary>
    public static Scrape Failed(string pod, DateTimeOffset time, double latencyMs) =>
        new() { Pod = pod, Time = time, LatencyMs = latencyMs, Outcome = ScrapeOutcome.Failed };
}
