using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

public sealed class StarvationAndPoolOrderTests
{
    /// <summary>A burst after an idle gap: the queue drained between scrapes, threads were injected 8 -> 22.</summary>
    private static ObservedWindow Burst() => Given.Healthy() with
    {
        P50Ms = 45,
        P99Ms = 990,
        ShareUnderObjective = 0.9,
        QueueDepthMean = 0.2,
        QueueDepthMax = 1.5,
        QueueDepthSlopePerSecond = 0,
        ThreadsFirst = 10,
        ThreadsLast = 22,
        ThreadsMax = 24,
        CpuUtilization = 0.3,
        PoolUsage = 0.01,
    };

    private static Finding Diagnose(ObservedWindow w, Settings? settings = null) =>
        Diagnoser.Diagnose(Given.Spec(), w, settings ?? new Settings(3, 8, 10, 200), TuningState.Empty, Given.Now);

    [Fact]
    public void Names_thread_starvation_in_bursts_when_threads_were_injected_past_the_minimum()
    {
        var f = Diagnose(Burst());

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
        Assert.Contains("inject threads past the minimum 8 up to 24", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Raises_min_threads_for_bursts_from_the_threads_and_queue_in_flight()
    {
        var d = TuningEngine.Decide(Given.Input(Burst(), settings: new Settings(3, 8, 10, 200)));

        // 24 threads + 1.5 queued = 25.5 in flight x 1.5 = 39, more than 100 rps x 45 ms x 1.5 = 7; bounded to 8 + 16.
        Assert.Equal((Knob.ThreadPoolMinThreads, 8, 24), (d.Knob, d.From, d.To));
        Assert.Contains("Little's law asks for 39 threads per pod", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Does_not_name_starvation_in_bursts_when_threads_stayed_near_the_minimum()
    {
        var f = Diagnose(Burst() with { ThreadsFirst = 8, ThreadsLast = 9, ThreadsMax = 9 });

        Assert.NotEqual(Bottleneck.ThreadStarvation, f.Bottleneck);
        Assert.Equal(DecisionReasons.NoRemedy, f.HoldReason);
    }

    [Fact]
    public void Does_not_name_starvation_in_bursts_on_a_busy_pod_beside_fresh_idle_ones()
    {
        // Just after a scale-out: one CPU-bound pod with a backlog, two new idle pods without a queue.
        PodObservation Pod(string name, double cpu, double queue, double threads) => new()
        {
            Pod = name,
            Scrapes = 6,
            HasDeltas = true,
            CpuUtilization = cpu,
            QueueDepthMax = queue,
            ThreadsMax = threads,
            ThreadsLast = threads,
        };
        var w = Burst() with { PerPod = [Pod("a", 0.98, 3000, 12), Pod("b", 0.05, 0, 2), Pod("c", 0.05, 0, 2)] };

        var f = Diagnose(w, new Settings(3, 2, 10, 200));

        Assert.NotEqual(Bottleneck.ThreadStarvation, f.Bottleneck);
    }

    [Fact]
    public void Names_pool_exhaustion_not_starvation_when_threads_block_on_a_full_pool()
    {
        // Blocking data path: every thread waits for a connection, so the thread-pool queue grows while CPU idles and
        // threads trickle in, exactly as in starvation; but the pool is full and its wait is over the objective.
        var blocked = Given.PoolExhausted() with
        {
            QueueDepthMean = 80,
            QueueDepthMax = 120,
            QueueDepthSlopePerSecond = 2,
            CpuUtilization = 0.2,
            ThreadsFirst = 16,
            ThreadsLast = 40,
            ThreadsMax = 40,
        };

        var d = TuningEngine.Decide(Given.Input(blocked));

        Assert.Equal(Bottleneck.PoolExhaustion, d.Bottleneck);
        Assert.Equal(DecisionReasons.RaisePool, d.Reason);
        Assert.Equal(Knob.DbMaxPoolSize, d.Knob);
    }

    [Fact]
    public void Names_starvation_when_the_pool_has_room_and_threads_are_the_limit()
    {
        var starved = Given.PoolExhausted() with
        {
            PoolWaitP99Ms = 2,
            PoolUsage = 0.4,
            PendingRequestsMean = 0,
            QueueDepthMean = 80,
            QueueDepthSlopePerSecond = 2,
            CpuUtilization = 0.2,
            ThreadsFirst = 16,
            ThreadsLast = 40,
        };

        var f = Diagnose(starved, Given.Settings());

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
    }
    /// <summary>
    /// An overloaded API on the blocking path that completes almost nothing: no pool wait ended in the window (its
    /// histogram is empty), no connection came back (no hold time), too few requests for a latency, the thread-pool
    /// queue grows; the full pool has hundreds of requests waiting on it.
    /// </summary>
    private static ObservedWindow Stuck() => Given.PoolExhausted() with
    {
        Rps = 0.6,
        Requests = 9,
        P50Ms = double.NaN,
        P99Ms = double.NaN,
        ShareUnderObjective = double.NaN,
        PoolWaitP99Ms = double.NaN,
        ConnectionHoldMeanMs = double.NaN,
        ConnectionUsesPerSecond = 0.6,
        PendingRequestsMean = 120,
        QueueDepthMean = 400,
        QueueDepthMax = 480,
        QueueDepthSlopePerSecond = 20,
        CpuUtilization = 0.01,
        ThreadsFirst = 20,
        ThreadsLast = 34,
        ThreadsMax = 34,
    };

    [Fact]
    public void Names_pool_exhaustion_from_the_requests_waiting_on_a_full_pool_when_no_wait_ends()
    {
        var f = Diagnose(Stuck(), new Settings(1, 6, 4, 20));

        Assert.Equal(Bottleneck.PoolExhaustion, f.Bottleneck);
        Assert.Contains("no wait for a pooled connection ended in the window with the pool 100% used and 120 requests waiting per pod", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Raises_a_stuck_pool_from_the_requests_waiting_on_it_when_no_hold_time_was_measured()
    {
        var d = TuningEngine.Decide(Given.Input(Stuck() with { Pods = 1 }, settings: new Settings(1, 6, 4, 200)));

        // (0 busy + 120 waiting) x 1.5 = 180 connections wanted; one step at most doubles or adds 8: 4 -> 12.
        Assert.Equal((Bottleneck.PoolExhaustion, Knob.DbMaxPoolSize, 4, 12), (d.Bottleneck, d.Knob, d.From, d.To));
        Assert.Contains("Little's law asks for 180 connections per pod", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_pool_with_fewer_than_one_request_waiting_is_not_stuck_and_starvation_is_named()
    {
        var f = Diagnose(Stuck() with { PendingRequestsMean = 0.5 }, new Settings(1, 6, 4, 20));

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
    }

    [Fact]
    public void Waiters_on_a_full_pool_whose_waits_end_within_the_objective_are_not_exhaustion()
    {
        var f = Diagnose(Given.PoolExhausted() with { PoolWaitP99Ms = 5, PendingRequestsMean = 3, P99Ms = 90, ShareUnderObjective = 1 });

        Assert.NotEqual(Bottleneck.PoolExhaustion, f.Bottleneck);
    }
    /// <summary>Within the objective on a blocking path: 43 rps x 55 ms, work queued at a scrape, threads injected 2 -> 9.</summary>
    private static ObservedWindow Injecting() => Burst() with { Rps = 43, P50Ms = 55, P99Ms = 120, ShareUnderObjective = 1, QueueDepthMax = 3, ThreadsFirst = 8, ThreadsLast = 9, ThreadsMax = 9, CpuUtilization = 0.06 };

    [Fact]
    public void Raises_min_threads_before_the_objective_is_missed_when_the_runtime_has_to_inject_past_them()
    {
        var d = TuningEngine.Decide(Given.Input(Injecting(), settings: new Settings(1, 2, 4, 200)));

        // 9 threads + 3 queued = 12 in flight x 1.5 = 18; one step from 2 may add 16.
        Assert.Equal((Bottleneck.ThreadStarvation, Knob.ThreadPoolMinThreads, 2, 18), (d.Bottleneck, d.Knob, d.From, d.To));
        Assert.Contains("is within the 250 ms objective, but work queued for threads (up to 3 per pod)", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.9, 3, 9)] // CPU busy: threads are not what is short
    [InlineData(0.06, 0, 9)] // nothing ever queued for a thread
    [InlineData(0.06, 3, 3)] // threads stayed near the minimum
    public void Does_not_raise_min_threads_within_the_objective_without_every_sign(double cpu, double queuePeak, double threadsPeak)
    {
        var f = Diagnose(Injecting() with { CpuUtilization = cpu, QueueDepthMax = queuePeak, QueueDepthMean = 0, ThreadsMax = threadsPeak, ThreadsLast = threadsPeak, ThreadsFirst = threadsPeak }, new Settings(1, 2, 4, 200));

        Assert.NotEqual(Bottleneck.ThreadStarvation, f.Bottleneck);
    }

    /// <summary>
    /// A blocking data path after minimum threads went 2 -> 18: the queue still grows, 43 requests per pod wait for one
    /// of 4 connections, and the pool reads half used because the connections handed back wait for a thread to take them.
    /// </summary>
    private static ObservedWindow ThreadsRaisedPoolOutnumbered() => Stuck() with { PoolUsage = 0.5, PendingRequestsMean = 43, QueueDepthMean = 1292, QueueDepthMax = 1300 };

    private static TuningState AfterChange(Knob knob, int from, int to) => TuningState.Empty with
    {
        History =
        [
            new HistoryEntry(new Decision { Kind = DecisionKind.Change, Bottleneck = Bottleneck.ThreadStarvation, Reason = "Earlier", Message = "earlier", Knob = knob, From = from, To = to, Time = Given.Now.AddSeconds(-30) }, null),
        ],
    };

    [Fact]
    public void Raises_the_pool_next_when_waiters_outnumber_it_after_minimum_threads_were_raised()
    {
        var settings = new Settings(1, 18, 4, 200);
        var d = TuningEngine.Decide(Given.Input(ThreadsRaisedPoolOutnumbered() with { Pods = 1 }, settings: settings, state: AfterChange(Knob.ThreadPoolMinThreads, 2, 18)));

        Assert.Equal((Bottleneck.PoolExhaustion, Knob.DbMaxPoolSize, 4), (d.Bottleneck, d.Knob, d.From));
        Assert.True(d.To > 4, $"the pool is raised: {d.Message}");
        Assert.Contains("43 requests per pod wait for a connection, more than 2 for each of the pool's 4", d.Message, StringComparison.Ordinal);
        Assert.Contains("after minimum threads went 2 -> 18", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raises_threads_first_when_they_were_not_the_last_change()
    {
        var settings = new Settings(1, 2, 4, 200);

        Assert.Equal(Bottleneck.ThreadStarvation, Diagnoser.Diagnose(Given.Spec(), ThreadsRaisedPoolOutnumbered(), settings, TuningState.Empty, Given.Now).Bottleneck);
        Assert.Equal(Bottleneck.ThreadStarvation, Diagnoser.Diagnose(Given.Spec(), ThreadsRaisedPoolOutnumbered(), settings, AfterChange(Knob.DbMaxPoolSize, 2, 4), Given.Now).Bottleneck);
        Assert.Equal(Bottleneck.ThreadStarvation, Diagnoser.Diagnose(Given.Spec(), ThreadsRaisedPoolOutnumbered(), settings, AfterChange(Knob.ThreadPoolMinThreads, 36, 18), Given.Now).Bottleneck);
    }

    [Fact]
    public void Keeps_raising_threads_while_the_waiters_do_not_outnumber_the_pool()
    {
        var f = Diagnoser.Diagnose(Given.Spec(), ThreadsRaisedPoolOutnumbered() with { PendingRequestsMean = 7.9 }, new Settings(1, 18, 4, 200), AfterChange(Knob.ThreadPoolMinThreads, 2, 18), Given.Now);

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
    }
}
