using Autotune.Contracts;
using Autotune.Simulation.Metrics;

namespace Autotune.Simulation.Model;

/// <summary>What really happened to one API's requests since the last reset, beside what its metrics say: the judge of every run.</summary>
public sealed class RequestTruth
{
    /// <summary>Latencies of every request, answered or failed.</summary>
    public SimHistogram Latency { get; } = new(HistogramBuckets.RequestDuration);

    /// <summary>Requests that failed (5xx).</summary>
    public double Failed { get; set; }

    /// <summary>Requests offered (arrived).</summary>
    public double Arrived { get; set; }

    /// <summary>Forgets everything.</summary>
    public void Reset()
    {
        Latency.Clear();
        Failed = 0;
        Arrived = 0;
    }
}
