namespace Autotune.Engine.Metrics.Windows;

/// <summary>What a window is judged against, beyond the scrapes themselves.</summary>
public sealed record WindowOptions
{
    /// <summary>Fewest scrape rounds a window needs; gauges are judged on every scrape, so fewer is never guessed from.</summary>
    public const int DefaultMinScrapes = 4;

    /// <summary>The P99 latency objective in milliseconds, for the share of requests at or under it (NaN: none).</summary>
    public double LatencyObjectiveMs { get; init; } = double.NaN;

    /// <summary>Fewest scrape rounds (answered or timed out) a window needs to be sufficient.</summary>
    public int MinScrapes { get; init; } = DefaultMinScrapes;

    /// <summary>CPU cores available to each pod (its limit or request); absent pods fall back to <c>dotnet_process_cpu_count</c>.</summary>
    public IReadOnlyDictionary<string, double> CoresByPod { get; init; } = new Dictionary<string, double>();

    /// <summary>Pods expected (ready); those never scraped are counted as missing.</summary>
    public IReadOnlyCollection<string> ExpectedPods { get; init; } = [];
}
