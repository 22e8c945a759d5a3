using System.Globalization;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>Rules on the metrics window and source: a window long enough to measure, a Prometheus URL when needed.</summary>
internal static class MetricsRules
{
    /// <summary>
    /// Checks the metrics settings; returns the parsed window whenever it parses (even out of range, so that the
    /// rules that compare other fields with it still run and every problem is reported at once).
    /// </summary>
    public static TimeSpan? Check(MetricsSpec metrics, ProblemList problems)
    {
        CheckPrometheus(metrics, problems);
        if (!DurationFormat.TryParse(metrics.Window, out var window))
        {
            if (!problems.Has(SpecPaths.Window))
            {
                problems.Add(SpecPaths.Window, $"\"{metrics.Window}\" cannot be parsed; write {SpecPatterns.DurationHint}");
            }

            return null;
        }

        if (window < SpecLimits.ShortestWindow)
        {
            problems.Add(SpecPaths.Window, $"{metrics.Window} is too short to measure; use at least {DurationFormat.Format(SpecLimits.ShortestWindow)}");
        }
        else if (window > SpecLimits.LongestWindow)
        {
            problems.Add(SpecPaths.Window, $"{metrics.Window} is too long: decisions would rest on stale evidence; use at most {DurationFormat.Format(SpecLimits.LongestWindow)}");
        }

        var interval = window / Math.Max(metrics.ScrapesPerWindow, 1);
        if (interval < SpecLimits.ShortestScrapeInterval && !problems.Has(SpecPaths.ScrapesPerWindow))
        {
            var most = (int)(window / SpecLimits.ShortestScrapeInterval);
            problems.Add(
                SpecPaths.ScrapesPerWindow,
                string.Create(CultureInfo.InvariantCulture, $"{metrics.ScrapesPerWindow} scrapes in {metrics.Window} is one every {interval.TotalSeconds:0.##}s; ") +
                $"scrape at most every {SpecLimits.ShortestScrapeInterval.TotalSeconds:0}s: use at most {most} scrapes per window or a longer window");
        }

        return window;
    }

    private static void CheckPrometheus(MetricsSpec metrics, ProblemList problems)
    {
        if (metrics.Source == MetricsSourceKind.Prometheus && metrics.Prometheus is null)
        {
            problems.Add(SpecPaths.PrometheusUrl, "is required when source is Prometheus; set prometheus.url to the server's base URL (http://prometheus.monitoring:9090)");
        }
        else if (metrics.Prometheus is { Url: { } url } && !problems.Has(SpecPaths.PrometheusUrl) &&
                 !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add(SpecPaths.PrometheusUrl, $"\"{url}\" is not an absolute http:// or https:// URL");
        }
    }
}
