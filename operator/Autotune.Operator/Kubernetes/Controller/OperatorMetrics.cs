using Prometheus;


namespace Autotune.Operator.Kubernetes.Controller;

/// <summary>
/// The operator's own metrics (prometheus-net), in a registry of its own so two operators in one process (the
/// tests) do not share counters. Names are autotune_*: the chart's PrometheusRule and dashboard read them by these
/// names and labels (a test checks every series the rule uses).
/// </summary>
public sealed class OperatorMetrics
{
    /// <summary>Creates the metrics in a fresh registry.</summary>
    public OperatorMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Reconciles = factory.CreateCounter("autotune_reconciles_total", "Reconciles by result (acted, held, recommended, invalid_spec, apply_failed, error).", "result");
        ReconcileDuration = factory.CreateHistogram("autotune_reconcile_duration_seconds", "Time of one reconcile pass, excluding the scrapes of its window.", new HistogramConfiguration
        {
            Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });
        Decisions = factory.CreateCounter("autotune_decisions_total", "Decisions by knob (none for a hold) and reason.", "knob", "reason", "kind");
        ScrapeErrors = factory.CreateCounter("autotune_scrape_errors_total", "Pod scrapes that failed or timed out, by ApiTuning.", "namespace", "name");
        ScrapeDuration = factory.CreateHistogram("autotune_scrape_duration_seconds", "Time of one pod scrape.", new HistogramConfiguration
        {
            Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        });
        KnobValue = factory.CreateGauge("autotune_knob_value", "The value of each knob now, per ApiTuning.", "namespace", "name", "knob");
        QueueDepth = factory.CreateGauge("autotune_queue_depth", "ApiTuning keys waiting in the work queue.");
        Leader = factory.CreateGauge("autotune_leader", "1 while this instance holds the leader lease.");
        Condition = factory.CreateGauge("autotune_condition", "1 while a status condition of an ApiTuning is True, else 0.", "namespace", "name", "type");
        WatchRestarts = factory.CreateCounter("autotune_watch_lists_total", "LISTs made by the watchers (the first, and one after each 410).", "collection");
        WatchFailures = factory.CreateCounter("autotune_watch_failures_total", "Failed lists and watches by collection and cause (api, malformed, handler, unexpected); each is retried after a backoff.", "collection", "cause");
        LoopFailures = factory.CreateCounter("autotune_loop_failures_total", "Unexpected exceptions that stopped a long-running loop (worker, controller), which was started again after a backoff.", "loop");
        StatusWriteTimeouts = factory.CreateCounter("autotune_status_write_timeouts_total", "Writes of an ApiTuning's status or Events that ran out of their deadline; a status is written with the next pass, an Event is dropped.", "kind");
        Down = factory.CreateGauge("autotune_controller_down", "Watches and loops of this instance that are down now (not listed yet, waiting out a failure, restarting); /readyz fails while above 0.");
    }

    /// <summary>The registry /metrics exports.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Reconciles by result.</summary>
    public Counter Reconciles { get; }

    /// <summary>Reconcile duration, excluding scrapes.</summary>
    public Histogram ReconcileDuration { get; }

    /// <summary>Decisions by knob, reason and kind.</summary>
    public Counter Decisions { get; }

    /// <summary>Failed scrapes per ApiTuning.</summary>
    public Counter ScrapeErrors { get; }

    /// <summary>Scrape latency.</summary>
    public Histogram ScrapeDuration { get; }

    /// <summary>Knob values per ApiTuning.</summary>
    public Gauge KnobValue { get; }

    /// <summary>Queue depth.</summary>
    public Gauge QueueDepth { get; }

    /// <summary>Leadership.</summary>
    public Gauge Leader { get; }

    /// <summary>Each status condition per ApiTuning: 1 when True.</summary>
    public Gauge Condition { get; }

    /// <summary>LIST calls of the watchers.</summary>
    public Counter WatchRestarts { get; }

    /// <summary>Failed lists and watches by collection and cause.</summary>
    public Counter WatchFailures { get; }

    /// <summary>Failures of supervised loops by loop.</summary>
    public Counter LoopFailures { get; }

    /// <summary>Status and Event writes that timed out, by kind (status, event).</summary>
    public Counter StatusWriteTimeouts { get; }

    /// <summary>Parts of the controller down now.</summary>
    public Gauge Down { get; }

    /// <summary>Drops the per-ApiTuning series of a deleted ApiTuning.</summary>
    public void Forget(string ns, string name)
    {
        foreach (var labels in KnobValue.GetAllLabelValues().Where(l => l[0] == ns && l[1] == name).ToList())
        {
            KnobValue.RemoveLabelled(labels);
        }

        foreach (var labels in Condition.GetAllLabelValues().Where(l => l[0] == ns && l[1] == name).ToList())
        {
            Condition.RemoveLabelled(labels);
        }

        ScrapeErrors.RemoveLabelled(ns, name);
    }

    /// <summary>Sets the condition gauges of an ApiTuning from the status just composed (1 for True, 0 otherwise).</summary>
    public void RecordConditions(string ns, string name, IEnumerable<Engine.Resource.Spec.StatusCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        foreach (var condition in conditions)
        {
            Condition.WithLabels(ns, name, condition.Type).Set(condition.Status == Engine.Resource.Spec.ConditionStatus.True ? 1 : 0);
        }
    }
}
