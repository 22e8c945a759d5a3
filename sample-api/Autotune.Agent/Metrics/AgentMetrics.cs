using System.Diagnostics.Metrics;
using Autotune.Contracts;

namespace Autotune.Agent.Metrics;

/// <summary>
/// The agent's own instruments: what Npgsql 10 does not emit (pool wait and hold time, physical connections,
/// open failures by SQLSTATE) and the applied tuning. Names come from <see cref="MetricNames"/>.
/// </summary>
internal sealed class AgentMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Histogram<double> _waitTime;
    private readonly Histogram<double> _useTime;
    private readonly Counter<long> _openFailures;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _applyFailures;
    private long _generation;
    private long _poolSize;
    private long _swapBounded = 1;

    public AgentMetrics()
    {
        _meter = new Meter(MetricNames.AgentMeter);
        var connectionBuckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = HistogramBuckets.Connection };
        _waitTime = _meter.CreateHistogram(
            MetricNames.PoolWaitTime.Instrument, "s", "Time to obtain a pooled connection.", tags: null, advice: connectionBuckets);
        _useTime = _meter.CreateHistogram(
            MetricNames.PoolUseTime.Instrument, "s", "Time a connection is held between open and close.", tags: null, advice: connectionBuckets);
        _openFailures = _meter.CreateCounter<long>(
            MetricNames.ConnectionOpenFailures.Instrument, "{failure}", "Connection opens that failed, by SQLSTATE.");
        _rejected = _meter.CreateCounter<long>(
            MetricNames.TuningFileRejected.Instrument, "{file}", "Tuning files that could not be applied, by reason.");
        _applyFailures = _meter.CreateCounter<long>(
            MetricNames.TuningApplyFailures.Instrument, "{attempt}", "Attempts to apply a valid tuning file that threw (retried at every poll).");
        _meter.CreateObservableGauge(
            MetricNames.PhysicalConnections.Instrument, () => PhysicalConnectionSource(), "{connection}", "Physical connections open, across every pool generation.");
        _meter.CreateObservableGauge(
            MetricNames.AppliedGeneration.Instrument, () => Volatile.Read(ref _generation), description: "Generation of the tuning file now applied (0 before any).");
        _meter.CreateObservableGauge(
            MetricNames.AppliedMinThreads.Instrument, MinWorkerThreads, "{thread}", "Minimum worker threads now in force.");
        _meter.CreateObservableGauge(
            MetricNames.AppliedPoolSize.Instrument, () => Volatile.Read(ref _poolSize), "{connection}", "Npgsql maximum pool size now applied.");
        _meter.CreateObservableGauge(
            MetricNames.BoundedPoolSwap.Instrument, () => Volatile.Read(ref _swapBounded),
            description: "1: a live pool swap holds the process to max(old, new) physical connections; 0 once the app opened a connection past the swap gate.");
    }

    /// <summary>Where the physical-connection gauge reads its value (set once the data source exists).</summary>
    public Func<long> PhysicalConnectionSource { get; set; } = () => 0;

    public void RecordWaitTime(TimeSpan elapsed) => _waitTime.Record(elapsed.TotalSeconds);

    public void RecordUseTime(TimeSpan elapsed) => _useTime.Record(elapsed.TotalSeconds);

    public void RecordOpenFailure(string sqlState) =>
        _openFailures.Add(1, new KeyValuePair<string, object?>(OpenTelemetryLabels.SqlState, sqlState));

    public void RecordRejectedTuningFile(string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>(MetricLabels.Reason, reason));

    public void RecordTuningApplyFailure() => _applyFailures.Add(1);

    public void SetAppliedGeneration(long generation) => Volatile.Write(ref _generation, generation);

    public void SetAppliedPoolSize(int poolSize) => Volatile.Write(ref _poolSize, poolSize);

    /// <summary>
    /// The app opened a connection it created closed (EF Core, <c>CreateConnection</c>): such opens pass no swap gate,
    /// so from now on the process no longer claims a bounded swap and the operator counts busy + new for it.
    /// </summary>
    public void MarkSwapUnbounded() => Volatile.Write(ref _swapBounded, 0);

    public void Dispose() => _meter.Dispose();

    private static long MinWorkerThreads()
    {
        ThreadPool.GetMinThreads(out var worker, out _);
        return worker;
    }
}
