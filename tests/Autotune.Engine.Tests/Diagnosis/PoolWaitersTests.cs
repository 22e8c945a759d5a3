using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

/// <summary>
/// When requests waiting for a connection make a pool full whatever share of it the scrapes saw in use. Not a mostly
/// idle pool: measured in the proof's cached-mix profile (most reads answered from the cache, the machine's CPU
/// saturated), 868 requests waiting per pod on a pool of 16 in use 11.3% at the scrapes, 1,020 connection uses/s of
/// 2.34 ms for 8,377 req/s; the pool was raised 16 -> 32 where the grid held the same knee on a pool of 4. But a pool
/// whose uses x hold time fill all of its connections is full even when the uses keep up with the arrivals.
/// </summary>
public sealed class PoolWaitersTests
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

    /// <summary>
    /// A fast async API at the machine's CPU limit, every request one query: 5,700 uses/s of 0.9 ms on a pool of 5 is
    /// 1.03 connections busy per connection, thousands wait, the scrapes caught the pool 80% in use (it is handed from
    /// one waiter to the next through the thread pool, idle between), and uses keep up with the arrivals the server
    /// sees. The proof's fast-async profile held a knee of 6,118-7,036 req/s on a pool of 5 and 7,036-8,091 on 8-100.
    /// </summary>
    private static ObservedWindow FastAsyncAtItsPool() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 5700,
        Requests = 57_000,
        P50Ms = 900,
        P99Ms = 1995,
        ShareUnderObjective = 0.2,
        PoolWaitP99Ms = 1990,
        PoolUsage = 0.8,
        PendingRequestsMean = 4000,
        ConnectionUsesPerSecond = 5700,
        ConnectionHoldMeanMs = 0.9,
        CpuUtilization = 0.61,
        MachineCpuIdleShare = 0.006,
        AppliedPoolSize = 5,
    };

    [Fact]
    public void A_pool_whose_uses_fill_every_connection_is_full_though_uses_keep_up_with_arrivals()
    {
        var d = TuningEngine.Decide(Given.Input(FastAsyncAtItsPool(), Spec, TuningState.Empty, new Settings(1, 2, 5, 200), Given.Ledger(maxConnections: 200, otherPool: 2)));

        Assert.Equal((Bottleneck.PoolExhaustion, DecisionReasons.RaisePool, 5), (d.Bottleneck, d.Reason, d.From));
    }

    [Fact]
    public void A_pool_busy_under_the_cap_by_uses_and_serving_what_arrives_is_a_queue_not_a_shortage()
    {
        // The backfire guard: a pool that keeps up with arrivals and is not busy all the time only queues; one more
        // connection adds contention (the simulator's backfire scenario collapses the database when it grows).
        var d = TuningEngine.Decide(Given.Input(FastAsyncAtItsPool() with { ConnectionHoldMeanMs = 0.7 }, Spec, TuningState.Empty, new Settings(1, 2, 5, 200),
            Given.Ledger(maxConnections: 200, otherPool: 2)));

        Assert.NotEqual(DecisionReasons.RaisePool, d.Reason);
    }
}
