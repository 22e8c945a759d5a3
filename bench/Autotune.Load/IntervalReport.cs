namespace Autotune.Load;

/// <summary>
/// What happened to the requests intended in one interval (a second or a step), measured from their intended send
/// times, plus the throughput completed in the interval and the generator's own health while it ran.
/// </summary>
public sealed record IntervalReport
{
    /// <summary>The second (from 0) or the step (from 0).</summary>
    public required int Index { get; init; }

    /// <summary>The step's label, or the label of the step the second belongs to.</summary>
    public required string Label { get; init; }

    /// <summary>When the interval began, from the start of the run.</summary>
    public required TimeSpan Start { get; init; }

    /// <summary>How long it lasted.</summary>
    public required TimeSpan Length { get; init; }

    /// <summary>Requests intended to be sent in the interval.</summary>
    public required long Offered { get; init; }

    /// <summary>Of those, answered with 2xx.</summary>
    public required long Succeeded { get; init; }

    /// <summary>2xx answers per second that arrived during the interval (for a step: its successes over its length).</summary>
    public required double CompletedRate { get; init; }

    /// <summary>Failed requests by kind (see <see cref="ErrorKinds"/>).</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Median latency from the intended send time, in milliseconds (NaN with no answers).</summary>
    public required double P50Ms { get; init; }

    /// <summary>99th percentile latency from the intended send time, in milliseconds (timeouts count at the time they gave up).</summary>
    public required double P99Ms { get; init; }

    /// <summary>Largest latency, in milliseconds.</summary>
    public required double MaxMs { get; init; }

    /// <summary>99th percentile of how late requests were sent against their schedule, in milliseconds.</summary>
    public required double SendLagP99Ms { get; init; }

    /// <summary>Largest send lag, in milliseconds.</summary>
    public required double SendLagMaxMs { get; init; }

    /// <summary>CPU used by the generator's process during the interval, in cores (1.0 = one core busy).</summary>
    public required double GeneratorCpuCores { get; init; }

    /// <summary>Offered requests per second.</summary>
    public double OfferedRate => Offered / Length.TotalSeconds;

    /// <summary>All failed requests.</summary>
    public long ErrorCount => Errors.Values.Sum();

    /// <summary>Failed requests as a share of those offered.</summary>
    public double ErrorShare => Offered == 0 ? 0 : (double)ErrorCount / Offered;

    /// <summary>
    /// The interval held its objective: P99 at or under it, errors at most <paramref name="maxErrorShare"/>, and the
    /// generator itself on schedule (send-lag P99 at most <paramref name="maxSendLagMs"/>).
    /// </summary>
    public bool Held(double p99ObjectiveMs, double maxErrorShare = 0.001, double maxSendLagMs = 5) =>
        Offered > 0 && P99Ms <= p99ObjectiveMs && ErrorShare <= maxErrorShare && SendLagP99Ms <= maxSendLagMs;
}
