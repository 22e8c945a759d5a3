using HdrHistogram;

namespace Autotune.Load;

/// <summary>
/// The accumulator of one interval (a second or a step): requests are attributed to the interval of their intended
/// send time, successes also to the interval they completed in. Thread-safe; latencies in microseconds.
/// </summary>
internal sealed class IntervalStats(int index, string label, long startTicks, long lengthTicks, int significantDigits)
{
    private const long HighestMicroseconds = 3_600_000_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _errors = new(StringComparer.Ordinal);
    private LongHistogram? _latency = new(HighestMicroseconds, significantDigits);
    private LongHistogram? _lag = new(HighestMicroseconds, significantDigits);
    private long _offered;
    private long _succeeded;
    private long _completedHere;
    private long _pending;

    public int Index { get; } = index;

    public string Label { get; } = label;

    public long StartTicks { get; } = startTicks;

    public long EndTicks => StartTicks + lengthTicks;

    /// <summary>Requests intended here that have not finished yet.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>A request intended here was sent (or given up) <paramref name="lagTicks"/> after its intended time.</summary>
    public void Offer(long lagTicks)
    {
        Interlocked.Increment(ref _pending);
        lock (_gate)
        {
            _offered++;
            _lag?.RecordValue(Clamp(Ticks.ToMicroseconds(Math.Max(0, lagTicks))));
        }
    }

    /// <summary>A request intended here finished; latency is null when there is none to record (it never reached the server).</summary>
    public void Finish(long? latencyTicks, string? error)
    {
        lock (_gate)
        {
            if (latencyTicks is { } ticks)
            {
                _latency?.RecordValue(Clamp(Ticks.ToMicroseconds(Math.Max(0, ticks))));
            }

            if (error is null)
            {
                _succeeded++;
            }
            else
            {
                _errors[error] = _errors.GetValueOrDefault(error) + 1;
            }
        }

        Interlocked.Decrement(ref _pending);
    }

    /// <summary>A success (of any interval's request) completed during this interval.</summary>
    public void CompletedDuring() => Interlocked.Increment(ref _completedHere);

    /// <summary>The report; <paramref name="completedHere"/> rates the successes that completed here (seconds) rather than the successes of the requests intended here (steps).</summary>
    public IntervalReport Report(double cpuCores, bool completedHere, bool release)
    {
        lock (_gate)
        {
            var seconds = Ticks.ToTimeSpan(lengthTicks).TotalSeconds;
            var report = new IntervalReport
            {
                Index = Index,
                Label = Label,
                Start = Ticks.ToTimeSpan(StartTicks),
                Length = Ticks.ToTimeSpan(lengthTicks),
                Offered = _offered,
                Succeeded = _succeeded,
                CompletedRate = (completedHere ? Interlocked.Read(ref _completedHere) : _succeeded) / seconds,
                Errors = new Dictionary<string, long>(_errors, StringComparer.Ordinal),
                P50Ms = Percentile(_latency, 50),
                P99Ms = Percentile(_latency, 99),
                MaxMs = Max(_latency),
                SendLagP99Ms = Percentile(_lag, 99),
                SendLagMaxMs = Max(_lag),
                GeneratorCpuCores = cpuCores,
            };
            if (release)
            {
                _latency = null;
                _lag = null;
            }

            return report;
        }
    }

    private static long Clamp(long microseconds) => Math.Clamp(microseconds, 1, HighestMicroseconds);

    private static double Percentile(LongHistogram? histogram, double percentile) =>
        histogram is null || histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;

    private static double Max(LongHistogram? histogram) =>
        histogram is null || histogram.TotalCount == 0 ? double.NaN : histogram.GetMaxValue() / 1000.0;
}
