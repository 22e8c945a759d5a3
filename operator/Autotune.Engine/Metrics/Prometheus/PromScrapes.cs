using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Metrics.Prometheus;

/// <summary>
/// Turns a <c>query_range</c> matrix of the raw series (see <see cref="PromQueries.RawSeries"/>) into per-pod scrapes,
/// one per evaluation step, so that a window built from Prometheus goes through the same <see cref="WindowBuilder"/>
/// as one built from the pods. Prometheus's own <c>up</c> and <c>scrape_duration_seconds</c> give each step's
/// outcome and latency: a target that was down for a scrape as long as the timeout was a live process too slow to answer.
/// </summary>
public static class PromScrapes
{
    /// <summary>The per-target series Prometheus writes for every scrape.</summary>
    public const string Up = "up";

    /// <summary>How long Prometheus's scrape of the target took, seconds.</summary>
    public const string ScrapeDuration = "scrape_duration_seconds";

    /// <summary>Scrapes per pod and step from a matrix result.</summary>
    /// <param name="matrix">The series of a query_range result.</param>
    /// <param name="scrapeTimeout">Prometheus's scrape timeout for the target: a down scrape that took at least 90% of it timed out.</param>
    /// <param name="podLabel">The label naming the pod (<c>pod</c> with Kubernetes service discovery).</param>
    public static IReadOnlyList<Scrape> FromMatrix(IEnumerable<PromSeries> matrix, TimeSpan scrapeTimeout, string podLabel = "pod")
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var steps = new Dictionary<(string Pod, DateTimeOffset Time), Step>();
        foreach (var series in matrix)
        {
            var pod = series.Series.Get(podLabel) ?? series.Series.Get("instance") ?? "";
            foreach (var point in series.Points)
            {
                if (!steps.TryGetValue((pod, point.Time), out var step))
                {
                    steps[(pod, point.Time)] = step = new Step();
                }

                switch (series.Series.Name)
                {
                    case Up:
                        step.Up = point.Value;
                        break;
                    case ScrapeDuration:
                        step.DurationSeconds = point.Value;
                        break;
                    default:
                        step.Samples.Add(new Sample(series.Series, point.Value, point.Time.ToUnixTimeMilliseconds()));
                        break;
                }
            }
        }

        return [.. steps.OrderBy(s => s.Key.Time).ThenBy(s => s.Key.Pod, StringComparer.Ordinal).Select(s => ToScrape(s.Key, s.Value, scrapeTimeout))];
    }

    private static Scrape ToScrape((string Pod, DateTimeOffset Time) key, Step step, TimeSpan scrapeTimeout)
    {
        var latencyMs = double.IsNaN(step.DurationSeconds) ? 0 : step.DurationSeconds * 1000;
        if (step.Up == 0)
        {
            var timedOut = latencyMs >= 0.9 * scrapeTimeout.TotalMilliseconds;
            return timedOut ? Scrape.TimedOut(key.Pod, key.Time, latencyMs) : Scrape.Failed(key.Pod, key.Time, latencyMs);
        }

        return new Scrape { Pod = key.Pod, Time = key.Time, LatencyMs = latencyMs, Samples = step.Samples };
    }

    private sealed class Step
    {
        public double Up { get; set; } = double.NaN;

        public double DurationSeconds { get; set; } = double.NaN;

        public List<Sample> Samples { get; } = [];
    }
}
