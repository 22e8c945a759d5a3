using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Validation;
using Autotune.Operator.Kubernetes.Adapters;
using Autotune.Operator.Ports;
using Autotune.Operator.Reconcile;
using Microsoft.Extensions.Logging;


namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// One ApiTuning while its spec stays at one generation: its ports, its <see cref="Reconciler"/> (the state it
/// carries between passes) and a scrape loop that keeps the last window of scrapes, so a reconcile never waits for
/// metrics and its duration is the decision's, not the window's. A new generation starts a new session that
/// carries the state over.
/// </summary>
public sealed partial class TuningSession : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Scrape> _scrapes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly IMetricsSource _metrics;
    private readonly WindowCollector _collector;
    private readonly TimeProvider _time;
    private readonly OperatorMetrics _operatorMetrics;
    private readonly ILogger _logger;
    private Task _loop = Task.CompletedTask;

    private TuningSession(string key, long generation, ValidatedSpec spec, Reconciler reconciler, IMetricsSource metrics, SeriesTable series, TimeProvider time, OperatorMetrics operatorMetrics, ILogger logger)
    {
        Key = key;
        Generation = generation;
        Spec = spec;
        Reconciler = reconciler;
        _metrics = metrics;
        _collector = new WindowCollector(metrics, time, series);
        _time = time;
        _operatorMetrics = operatorMetrics;
        _logger = logger;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>namespace/name.</summary>
    public string Key { get; }

    /// <summary>The metadata.generation of the spec this session runs.</summary>
    public long Generation { get; }

    /// <summary>The validated spec.</summary>
    public ValidatedSpec Spec { get; }

    /// <summary>The reconcile pipeline of this ApiTuning.</summary>
    public Reconciler Reconciler { get; }

    /// <summary>When the session started scraping.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The ApiTuning's status writer (it remembers what it wrote, to write only what changed).</summary>
    public required KubernetesStatusWriter Status { get; init; }

    /// <summary>The replicas the workload had (or was scaled to) in the last pass; a different value is someone else's scale.</summary>
    public int? LastReplicas { get; set; }

    /// <summary>Starts a session and its scrape loop, remembering the series it meets in <paramref name="series"/> (shared by the controller's sessions).</summary>
    public static TuningSession Start(string key, long generation, ValidatedSpec spec, Reconciler reconciler, KubernetesPortSet ports, SeriesTable series, TimeProvider time, OperatorMetrics operatorMetrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var session = new TuningSession(key, generation, spec, reconciler, ports.Metrics, series, time, operatorMetrics, logger) { Status = ports.Status };
        session._loop = session.ScrapeLoopAsync(session._stop.Token);
        return session;
    }

    /// <summary>The scrapes of the last window (those that completed within it).</summary>
    public IReadOnlyList<Scrape> Window()
    {
        var from = _time.GetUtcNow() - Spec.Window;
        lock (_gate)
        {
            return _scrapes.Where(s => s.Time > from).ToList();
        }
    }

    /// <summary>True once the session has scraped for a full window.</summary>
    public bool HasFullWindow => _time.GetUtcNow() - StartedAt >= Spec.Window;

    /// <summary>Starts from the scrapes an earlier session of the same ApiTuning collected.</summary>
    public void Seed(IEnumerable<Scrape> scrapes)
    {
        lock (_gate)
        {
            _scrapes.InsertRange(0, scrapes);
        }
    }

    /// <summary>Forgets the scrapes so far (after a change, only what follows it counts).</summary>
    public void ClearScrapes()
    {
        lock (_gate)
        {
            _scrapes.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // The loop ends by cancellation.
        }

        _stop.Dispose();
    }

    private async Task ScrapeLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var timer = new PeriodicTimer(Spec.ScrapeInterval, _time);
        var (ns, name) = Split(Key);
        do
        {
            try
            {
                var round = await _metrics.ScrapeAsync(cancellationToken);
                var parsed = round.Select(_collector.ToScrape).ToList();
                foreach (var scrape in round)
                {
                    _operatorMetrics.ScrapeDuration.Observe(scrape.Latency.TotalSeconds);
                    if (!scrape.Succeeded)
                    {
                        _operatorMetrics.ScrapeErrors.WithLabels(ns, name).Inc();
                    }
                }

                // A pass reads the scrapes of the window before it (Window()), and it always comes later than now:
                // nothing older than a window from now is read again, so nothing older is kept.
                var keepFrom = _time.GetUtcNow() - Spec.Window;
                lock (_gate)
                {
                    _scrapes.RemoveAll(s => s.Time < keepFrom);
                    _scrapes.AddRange(parsed);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Listing the pods failed (the API server, not a pod), or a timeout of its own cancelled the round:
                // this round is missing from the window, which the engine sees as too few scrapes and holds on; the
                // next tick tries again. Only the session's own stop ends the loop.
                _operatorMetrics.ScrapeErrors.WithLabels(ns, name).Inc();
                LogRoundFailed(_logger, ex, Key);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A scrape round of {Key} failed; the window will miss it")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string key);
}
