using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// Little's law on a pool that keeps up: requests waiting for a busy pool are its queue, not unserved work, and are
/// not counted again in its size; they are counted when the pool is the limit (timeouts, connections busy nearly all
/// the time, or more waiters than a steady queue that busy holds).
/// </summary>
public sealed class PoolQueueSizingTests
{
    private static ApiTuningSpec PoolFromOne() =>
        Given.Spec() with { Knobs = Given.Spec().Knobs with { DbMaxPoolSize = new KnobBudget { Min = 1, Max = 200 } } };

    /// <summary>
    /// The hot-row case: 3 pods with a pool of 1 each, 484 uses/s per pod held 1.83 ms: each connection is busy
    /// 88.6% of the time, and the 8.1 requests waiting per pod are what a single server that busy queues
    /// (rho^2 / (1 - rho) = 6.9), so no request times out.
    /// </summary>
    private static ObservedWindow BusyPoolKeepingUp() => Given.PoolExhausted() with
    {
        Rps = 1450,
        Requests = 87000,
        P99Ms = 107,
        ShareUnderObjective = 0.995,
        PoolWaitP99Ms = 136,
        PoolUsage = 1.0,
        PendingRequestsMean = 8.1,
        PoolTimeouts = 0,
        ConnectionHoldMeanMs = 1.83,
        ConnectionUsesPerSecond = 1452,
        CpuUtilization = 0.25,
        AppliedPoolSize = 1,
    };

    [Fact]
    public void Sizes_a_pool_that_keeps_up_for_its_uses_alone_not_for_its_queue()
    {
        var d = TuningEngine.Decide(Given.Input(BusyPoolKeepingUp(), PoolFromOne(), settings: new Settings(3, 32, 1, 300), ledger: Given.Ledger(maxConnections: 300)));

        // 484 uses/s x 1.83 ms = 0.89 connections busy per pod, x 1.5 = 2: one step to 2, not to the 9 that counting
        // the 8.1 waiters asks for ((0.89 + 8.1) x 1.5 = 14, bounded to +8).
        Assert.Equal((Bottleneck.PoolExhaustion, Knob.DbMaxPoolSize, 1, 2), (d.Bottleneck, d.Knob, d.From, d.To));
        Assert.Contains("Little's law asks for 2 connections per pod (484 uses/s x 1.83 ms, x 1.5): the pool keeps up, its connections busy 88.6%",
            d.Message, StringComparison.Ordinal);
        Assert.Contains("the 8.1 waiting per pod are its queue", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_the_waiters_when_requests_time_out_waiting_for_the_pool()
    {
        var d = TuningEngine.Decide(Given.Input(BusyPoolKeepingUp() with { PoolTimeouts = 3 }, PoolFromOne(),
            settings: new Settings(3, 32, 1, 300), ledger: Given.Ledger(maxConnections: 300)));

        Assert.Equal((Knob.DbMaxPoolSize, 1, 9), (d.Knob, d.From, d.To));
        Assert.Contains("Little's law asks for 14 connections per pod (484 uses/s x 1.83 ms + 8.1 waiting, x 1.5)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_the_waiters_when_the_pools_connections_are_busy_nearly_all_the_time()
    {
        // 484 uses/s x 2 ms = 0.97 of the one connection: the pool is the limit, completions understate the demand.
        var d = TuningEngine.Decide(Given.Input(BusyPoolKeepingUp() with { ConnectionHoldMeanMs = 2 }, PoolFromOne(),
            settings: new Settings(3, 32, 1, 300), ledger: Given.Ledger(maxConnections: 300)));

        Assert.Equal((Knob.DbMaxPoolSize, 1, 9), (d.Knob, d.From, d.To));
        Assert.Contains("+ 8.1 waiting", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_the_waiters_when_more_wait_than_a_steady_queue_that_busy_holds()
    {
        // At 88.6% busy a steady queue holds 6.9 on average; 30 waiting is a backlog (more than twice that).
        var d = TuningEngine.Decide(Given.Input(BusyPoolKeepingUp() with { PendingRequestsMean = 30 }, PoolFromOne(),
            settings: new Settings(3, 32, 1, 300), ledger: Given.Ledger(maxConnections: 300)));

        Assert.Equal((Knob.DbMaxPoolSize, 1, 9), (d.Knob, d.From, d.To));
        Assert.Contains("+ 30 waiting", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sizes_from_the_waiters_when_no_hold_time_was_measured()
    {
        var d = TuningEngine.Decide(Given.Input(BusyPoolKeepingUp() with { ConnectionHoldMeanMs = double.NaN, PoolWaitP99Ms = double.NaN }, PoolFromOne(),
            settings: new Settings(3, 32, 1, 300), ledger: Given.Ledger(maxConnections: 300)));

        Assert.Equal((Knob.DbMaxPoolSize, 1, 9), (d.Knob, d.From, d.To));
    }
}
