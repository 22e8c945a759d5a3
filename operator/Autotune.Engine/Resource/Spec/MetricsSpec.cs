using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>Where the metrics come from and the window they are judged over.</summary>
public sealed record MetricsSpec
{
    /// <summary>Pods: scrape every ready pod; Prometheus: the same series through PromQL.</summary>
    public MetricsSourceKind Source { get; init; } = MetricsSourceKind.Pods;

    /// <summary>Port of the agent's metrics listener on each pod.</summary>
    [Range(1, 65_535)]
    public int Port { get; init; } = 9464;

    /// <summary>Path of the metrics endpoint.</summary>
    [Length(1, 1024)]
    [RegularExpression(SpecPatterns.UrlPath, ErrorMessage = "an HTTP path starting with '/'")]
    public string Path { get; init; } = "/metrics";

    /// <summary>The Prometheus server, when Source is Prometheus.</summary>
    public PrometheusSpec? Prometheus { get; init; }

    /// <summary>The window every judgement is made over, as a duration ("60s", "2m").</summary>
    [Length(2, 32)]
    [RegularExpression(SpecPatterns.Duration, ErrorMessage = SpecPatterns.DurationHint)]
    public string Window { get; init; } = "60s";

    /// <summary>Scrapes per window (at least 4: gauges are judged on every scrape).</summary>
    [Range(4, 120)]
    public int ScrapesPerWindow { get; init; } = 6;
}

/// <summary>Source of metrics.</summary>
public enum MetricsSourceKind
{
    /// <summary>Scrape the pods directly.</summary>
    Pods,

    /// <summary>Query a Prometheus server.</summary>
    Prometheus,
}

/// <summary>A Prometheus server reached over its HTTP API.</summary>
public sealed record PrometheusSpec
{
    /// <summary>Base URL, e.g. http://prometheus.monitoring:9090.</summary>
    [Length(8, 2048)]
    [RegularExpression(SpecPatterns.HttpUrl, ErrorMessage = "an absolute http:// or https:// URL")]
    public required string Url { get; init; }
}
