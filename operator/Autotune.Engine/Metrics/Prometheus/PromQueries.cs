using System.Globalization;
using Autotune.Contracts;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Metrics.Prometheus;

/// <summary>
/// The PromQL the operator sends when metrics come from Prometheus. <see cref="RawSeries"/> over query_range feeds
/// the same window builder as pod scrapes; the aggregate queries let Prometheus do the work for dashboards and
/// cross-checks (increase() extrapolates to the range's edges, which scales every bucket alike, so quantiles agree).
/// <c>selector</c> is the label matchers of the target's pods, e.g. <c>namespace="shop",pod=~"orders-api-.*"</c>.
/// </summary>
public static class PromQueries
{
    /// <summary>Matchers for the pods of one workload in one namespace.</summary>
    public static string PodSelector(string @namespace, string podRegex) =>
        $"namespace=\"{Escape(@namespace)}\",pod=~\"{Escape(podRegex)}\"";

    /// <summary>A PromQL range duration: whole seconds (<c>60s</c>), milliseconds when needed.</summary>
    public static string Range(TimeSpan window) => window.TotalMilliseconds % 1000 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)window.TotalSeconds}s")
        : string.Create(CultureInfo.InvariantCulture, $"{(long)window.TotalMilliseconds}ms");

    /// <summary>Every series a window reads, plus Prometheus's <c>up</c> and <c>scrape_duration_seconds</c>, for query_range.</summary>
    public static string RawSeries(string selector)
    {
        var names = MetricRoles.Names.Order(StringComparer.Ordinal).Append(PromScrapes.Up).Append(PromScrapes.ScrapeDuration);
        return $"{{__name__=~\"{string.Join('|', names)}\",{selector}}}";
    }

    /// <summary><c>sum by (le) (increase(..._bucket[window]))</c>: the bucket increases of a histogram across pods.</summary>
    public static string BucketIncreases(MetricName histogram, string selector, TimeSpan window) =>
        $"sum by (le) (increase({Bucket(histogram)}{{{selector}}}[{Range(window)}]))";

    /// <summary><c>histogram_quantile(q, sum by (le) (increase(..._bucket[window])))</c>.</summary>
    public static string Quantile(double q, MetricName histogram, string selector, TimeSpan window) =>
        string.Create(CultureInfo.InvariantCulture, $"histogram_quantile({q}, {BucketIncreases(histogram, selector, window)})");

    /// <summary><c>sum(increase(counter[window]))</c>; for a histogram, of its <c>_count</c>.</summary>
    public static string Increase(MetricName metric, string selector, TimeSpan window) =>
        $"sum(increase({Counted(metric)}{{{selector}}}[{Range(window)}]))";

    /// <summary><c>sum by (label) (increase(counter[window]))</c>, e.g. open failures by SQLSTATE.</summary>
    public static string IncreaseBy(MetricName metric, string label, string selector, TimeSpan window) =>
        $"sum by ({label}) (increase({Counted(metric)}{{{selector}}}[{Range(window)}]))";

    /// <summary>Requests that ended 5xx in the window.</summary>
    public static string ServerErrors(string selector, TimeSpan window) =>
        $"sum(increase({MetricNames.RequestDuration.Count}{{{selector},{MetricLabels.StatusCode}=~\"5..\"}}[{Range(window)}]))";

    /// <summary>A gauge's mean over the window per pod (summed over its series, e.g. pool generations).</summary>
    public static string GaugeMeanByPod(MetricName gauge, string selector, TimeSpan window) =>
        $"sum by (pod) (avg_over_time({gauge.Prometheus}{{{selector}}}[{Range(window)}]))";

    /// <summary>A gauge's least-squares slope per second per pod (<c>deriv</c> is the same regression the window uses).</summary>
    public static string GaugeSlopeByPod(MetricName gauge, string selector, TimeSpan window) =>
        $"sum by (pod) (deriv({gauge.Prometheus}{{{selector}}}[{Range(window)}]))";

    /// <summary>Mean over the window of used / max pooled connections per pod, summed over pool generations.</summary>
    public static string PoolUsageByPod(string selector, TimeSpan window, TimeSpan step)
    {
        var used = $"{MetricNames.PoolConnectionCount.Prometheus}{{{selector},{MetricLabels.ConnectionState}=\"{MetricLabels.StateUsed}\"}}";
        var max = $"{MetricNames.PoolConnectionMax.Prometheus}{{{selector}}}";
        return $"avg_over_time((sum by (pod) ({used}) / sum by (pod) ({max}))[{Range(window)}:{Range(step)}])";
    }

    /// <summary>CPU used per pod over the window against <c>dotnet_process_cpu_count</c>.</summary>
    public static string CpuUtilizationByPod(string selector, TimeSpan window) =>
        $"sum by (pod) (rate({MetricNames.ProcessCpuTime.Prometheus}{{{selector}}}[{Range(window)}])) / " +
        $"max by (pod) ({MetricNames.ProcessCpuCount.Prometheus}{{{selector}}})";

    private static string Bucket(MetricName histogram) => histogram.Bucket;

    private static string Counted(MetricName metric) => metric.Kind == MetricKind.Histogram ? metric.Count : metric.Prometheus;

    private static string Escape(string value) => value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
