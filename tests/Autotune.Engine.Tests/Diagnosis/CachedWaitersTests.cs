using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

/// <summary>
/// Requests waiting for a connection do not make a mostly idle pool full. Measured in the proof's cached-mix profile
/// (most reads answered from the cache, the machine's CPU saturated): 868 requests waiting per pod on a pool of 16 in
/// use 11.3% at the scrapes, 1,020 connection uses/s of 2.34 ms for 8,377 req/s; the pool was raised 16 -> 32 where
/// the grid held the same knee on a pool of 4.
/// </summary>
public sealed class CachedWaitersTests
{
    private static readonly ApiTuningSpec Spec = Given.Spec() with
    {
        Objectives = new Objectives { P99LatencyMs = 200, MaxPoolWaitMs = 20, MaxQueueDepth = 10 },
        Knobs = Given.Spec().Knobs with { DbMaxPoolSize = new KnobBudget { Min = 2, Max = 40 } },
    };

    private static ObservedWindow Cached(double poolUsage) => Given.Healthy() with
    {
        Pods = 1,
        Rps = 8377,
        Requests = 83_770,
        P50Ms = 2,
        P99Ms = 1649,
        ShareUnderObjective = 0.9,
        PoolWaitP99Ms = 1982,
        PoolUsage = poolUsage,
        PendingRequestsMean = 868,
        ConnectionUsesPerSecond = 1020,
        ConnectionHoldMeanMs = 2.34,
        CpuUtilization = 0.5,
        MachineCpuIdleShare = 0.01,
        AppliedPoolSize = 16,
    };

    private static Decision Decide(ObservedWindow w) =>
        TuningEngine.Decide(Given.Input(w, Spec, TuningState.Empty, new Settings(1, 16, 16, 200), Given.Ledger(maxConnections: 200, otherPool: 2)));

    [Fact]
    public void A_pool_in_use_a_tenth_of_the_time_is_not_raised_for_the_requests_waiting_on_it()
    {
        var d = Decide(Cached(0.113));

        Assert.NotEqual(Bottleneck.PoolExhaustion, d.Bottleneck);
        Assert.NotEqual(Knob.DbMaxPoolSize, d.Knob);
    }

    [Fact]
    public void The_same_waiters_on_a_pool_the_scrapes_saw_busy_still_raise_it()
    {
        // Uses x hold time say 15% busy, but the scrapes saw it in use 83% of the time (usage dips as connections are
        // handed back, and a stuck pool's waits end too late to be timed): it is full, as in the demo.
        var d = Decide(Cached(0.83));

        Assert.Equal((Bottleneck.PoolExhaustion, DecisionReasons.RaisePool), (d.Bottleneck, d.Reason));
    }
}
