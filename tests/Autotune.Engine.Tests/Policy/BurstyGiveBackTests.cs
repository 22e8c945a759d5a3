using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// A pool given back after a comfortable minute is sized from the most connections any scrape saw in use, not only
/// from the mean. Measured case (the proof's bursty-starvation run of 16:23 UTC, 2026-12-07): bursts of 3,059 req/s
/// after idle gaps on the blocking data path, minimum threads 72, pool 100 used 54% on average over the window; the
/// give-back 100 -> 81 sized from that mean left the bursts short, and the windows after it waited 327-1,650 ms for a
/// connection (none had waited at 100).
/// </summary>
public sealed class BurstyGiveBackTests
{
    private static readonly ApiTuningSpec Spec = Given.OnePodSpec(poolMax: 100, threadsMax: 256);

    /// <summary>The window of 16:28:26: 2,295 req/s (bursts and gaps), P99 30 ms, CPU 42.9%, the pool 54% used on average.</summary>
    private static ObservedWindow Bursty(double peakInUse) => Given.Healthy() with
    {
        Pods = 1,
        Rps = 2_295,
        Requests = 2_295 * 60,
        P50Ms = 23,
        P99Ms = 30,
        ShareUnderObjective = 1,
        PoolWaitP99Ms = 0.1,
        ConnectionHoldMeanMs = 21,
        ConnectionUsesPerSecond = 2_295,
        PendingRequestsMean = 0,
        PoolUsage = 0.54,
        PoolInUseMax = peakInUse,
        QueueDepthMean = 2.6,
        ThreadsFirst = 72,
        ThreadsLast = 72,
        CpuUtilization = 0.429,
        ActiveRequestsMean = 52,
        ActiveRequestsSlopePerSecond = 0,
        AppliedMinThreads = 72,
        AppliedPoolSize = 100,
    };

    private static Decision Decide(ObservedWindow w, params double[] earlierPeaks) =>
        TuningEngine.Decide(Given.Input(w, spec: Spec,
            state: TuningState.Empty with { ComfortableSince = Given.Now.AddSeconds(-400), PoolPeaks = earlierPeaks },
            settings: new Settings(1, 72, 100, 400), ledger: Given.Ledger(maxConnections: 400)));

    [Fact]
    public void The_pool_is_not_given_back_below_the_busiest_scrape_with_headroom()
    {
        var d = Decide(Bursty(peakInUse: 62), 71, 58);

        Assert.False(d is { Knob: Knob.DbMaxPoolSize, To: < 100 }, d.Message);
    }

    [Fact]
    public void A_steady_pool_with_a_peak_near_its_mean_is_still_given_back()
    {
        var d = Decide(Bursty(peakInUse: 55), 56, 54);

        Assert.True(d.Reason == DecisionReasons.GiveBackCapacity, d.Message);
        Assert.Equal((Knob.DbMaxPoolSize, 100, 84), (d.Knob, d.From, d.To));
        Assert.Contains("at most 56 connections in use per pod at a scrape", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_peak_the_mean_sizes_it_as_before()
    {
        var d = Decide(Bursty(peakInUse: double.NaN));

        Assert.True(d.Reason == DecisionReasons.GiveBackCapacity, d.Message);
        Assert.Equal((Knob.DbMaxPoolSize, 100, 81), (d.Knob, d.From, d.To));
    }
}
