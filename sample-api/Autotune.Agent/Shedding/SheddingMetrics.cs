using System.Diagnostics.Metrics;
using Autotune.Contracts;

namespace Autotune.Agent.Shedding;

/// <summary>The shedding instruments: the thread pool's queue delay, the deadline in force and the requests shed by reason.</summary>
internal sealed class SheddingMetrics : IDisposable
{
    private readonly Meter _meter;
    private long _waited;
    private long _gone;
    private long _expired;

    public SheddingMetrics(ThreadPoolQueueDelay delay, ShedDeadline deadline)
    {
        _meter = new Meter(MetricNames.AgentMeter);

        // Observed rather than added: both series exist (at 0) from the first scrape, so a rate over them is defined
        // before the first request is shed.
        _meter.CreateObservableCounter(
            MetricNames.RequestsShed.Instrument,
            () => new[]
            {
                new Measurement<long>(Interlocked.Read(ref _waited), new KeyValuePair<string, object?>(MetricLabels.Reason, MetricLabels.ShedWaited)),
                new Measurement<long>(Interlocked.Read(ref _gone), new KeyValuePair<string, object?>(MetricLabels.Reason, MetricLabels.ShedCallerGone)),
                new Measurement<long>(Interlocked.Read(ref _expired), new KeyValuePair<string, object?>(MetricLabels.Reason, MetricLabels.ShedExpired)),
            },
            "{request}",
            "Requests not served: answered 503 at once after waiting past the shedding deadline, dropped with their caller gone, or failed before taking a pooled connection once past it.");
        _meter.CreateObservableGauge(
            MetricNames.ThreadPoolQueueDelay.Instrument, () => delay.Current.TotalSeconds, "s", "How long work queued to the thread pool now waits before a thread takes it.");
        _meter.CreateObservableGauge(
            MetricNames.ShedAfter.Instrument, () => deadline.Current.TotalSeconds, "s", "The shedding deadline in force (0: off).");
    }

    /// <summary>Requests shed so far because they waited past the deadline.</summary>
    public long Waited => Interlocked.Read(ref _waited);

    /// <summary>Requests shed so far because their caller had already gone.</summary>
    public long CallerGone => Interlocked.Read(ref _gone);

    public void RecordWaited() => Interlocked.Increment(ref _waited);

    public void RecordCallerGone() => Interlocked.Increment(ref _gone);

    public void RecordExpired() => Interlocked.Increment(ref _expired);

    /// <summary>Requests failed so far before taking a pooled connection because they were past the deadline.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    public void Dispose() => _meter.Dispose();
}
