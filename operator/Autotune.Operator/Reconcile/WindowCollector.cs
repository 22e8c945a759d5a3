using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Operator.Ports;

namespace Autotune.Operator.Reconcile;

/// <summary>
/// Gathers one metrics window: a round of scrapes of every pod each scrape interval, parsed as they arrive.
/// Counters need only the first and last round, but gauges (queue length, pending requests, threads) are judged on
/// every round, so the rounds are spread evenly over the window. A scrape keeps only what a window reads
/// (<see cref="WindowScrapeParser"/>); the series are remembered in <paramref name="series"/>, which every collector of
/// a process may share (a fresh table when null).
/// </summary>
public sealed class WindowCollector(IMetricsSource source, TimeProvider time, SeriesTable? series = null)
{
    private readonly WindowScrapeParser _parser = new(series);
    private readonly Dictionary<string, (int Count, string Error)> _failures = new(StringComparer.Ordinal);

    /// <summary>The pods that failed to answer in the last window: how many scrapes failed and the last error.</summary>
    public IReadOnlyDictionary<string, (int Count, string Error)> Failures => _failures;

    /// <summary>Scrapes <paramref name="rounds"/> times, <paramref name="interval"/> apart, and returns every scrape.</summary>
    public async Task<IReadOnlyList<Scrape>> CollectAsync(int rounds, TimeSpan interval, CancellationToken cancellationToken)
    {
        var scrapes = new List<Scrape>();
        _failures.Clear();
        using var timer = new PeriodicTimer(interval, time);
        for (var round = 0; round < rounds; round++)
        {
            if (round > 0 && !await timer.WaitForNextTickAsync(cancellationToken))
            {
                break;
            }

            scrapes.AddRange((await source.ScrapeAsync(cancellationToken)).Select(ToScrape));
        }

        return scrapes;
    }

    /// <summary>Converts one pod scrape into the engine's form, parsing its text or its bytes (giving the bytes' buffers back).</summary>
    public Scrape ToScrape(PodScrape scrape)
    {
        ArgumentNullException.ThrowIfNull(scrape);
        var latencyMs = scrape.Latency.TotalMilliseconds;
        if (scrape.Error is { } error)
        {
            _failures[scrape.Pod] = (_failures.GetValueOrDefault(scrape.Pod).Count + 1, error);
        }

        if (scrape.Body is { } body)
        {
            using (body)
            {
                return _parser.Parse(scrape.Pod, scrape.At, latencyMs, body.Bytes);
            }
        }

        if (scrape.Text is { } text)
        {
            return _parser.Parse(scrape.Pod, scrape.At, latencyMs, text);
        }

        return scrape.TimedOut
            ? Scrape.TimedOut(scrape.Pod, scrape.At, latencyMs)
            : Scrape.Failed(scrape.Pod, scrape.At, latencyMs);
    }
}
