using Autotune.Engine.Metrics.Windows;
using Autotune.Operator.Local;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;

namespace Autotune.Demo;

/// <summary>
/// The server's view while the settings are frozen (no operator running): scrapes every replica's metrics every
/// few seconds, so each load step can be given the pool wait and thread-pool queue the operator would have seen.
/// </summary>
public sealed class ServerScraper(HttpClient http, ITargetWorkload workload, double objectiveMs)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2.5);
    private readonly List<Scrape> _scrapes = [];
    private readonly WindowCollector _parser = new(new NoSource(), TimeProvider.System);

    /// <summary>Scrapes until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var source = new HttpMetricsSource(http, async ct => (await workload.ReadAsync(ct)).Pods, TimeSpan.FromSeconds(2), TimeProvider.System);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var round = await source.ScrapeAsync(cancellationToken);
            lock (_scrapes)
            {
                _scrapes.AddRange(round.Select(_parser.ToScrape));
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>The window between two times (with the scrape just before it, so counters have a start), or null with too few scrapes.</summary>
    public ObservedWindow? Window(DateTimeOffset start, DateTimeOffset end)
    {
        List<Scrape> inside;
        lock (_scrapes)
        {
            var before = _scrapes.Where(s => s.Time < start).Select(s => s.Time).DefaultIfEmpty(start).Max();
            inside = _scrapes.Where(s => s.Time >= before && s.Time <= end).ToList();
        }

        return inside.Select(s => s.Time).Distinct().Count() < 2
            ? null
            : WindowBuilder.Build(inside, new WindowOptions { LatencyObjectiveMs = objectiveMs, MinScrapes = 2 });
    }

    private sealed class NoSource : IMetricsSource
    {
        public Task<IReadOnlyList<PodScrape>> ScrapeAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PodScrape>>([]);
    }
}
