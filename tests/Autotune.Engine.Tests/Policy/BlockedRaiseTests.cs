using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// A raise of minimum threads may quadruple them, not only double, when the threads are measured blocked (the
/// completion counter shows each finishing few work items a second) with CPU to spare. Measured case: the proof's
/// bursty-starvation run doubled 2 -> 18 -> 36 -> 72 -> 144 -> 256 over five judged windows, the grid's best being 256.
/// </summary>
public sealed class BlockedRaiseTests
{
    /// <summary>
    /// The bursty-starvation window that raised 18 -> 36: 1,322 req/s, the queue at 123 and growing 19/s, 38 threads
    /// each completing 41 work items a second, the process at 22% CPU, the machine 58% idle, 321 requests in flight
    /// at the busiest scrape.
    /// </summary>
    private static ObservedWindow Bursty() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 1_322,
        Requests = 1_322 * 8,
        P50Ms = 22,
        P99Ms = 171,
        ShareUnderObjective = 0.995,
        QueueDepthMean = 60,
        QueueDepthMax = 123,
        QueueDepthSlopePerSecond = 19,
        ThreadsFirst = 38,
        ThreadsLast = 38,
        ThreadsMean = 38,
        CpuUtilization = 0.22,
        WorkItemsPerSecond = 38 * 41.2,
        QueueDelayMeanMs = 60,
        QueueDelayMaxMs = 189,
        ActiveRequestsMean = 150,
        ActiveRequestsMax = 321,
        MachineCpuIdleShare = 0.58,
        CpuStealShare = 0,
        CgroupThrottledShare = 0,
        AppliedMinThreads = 18,
    };

    /// <summary>One replica, minimum threads 2-256 (the proof's blocking budgets); the rest as <see cref="Given.Spec"/>.</summary>
    private static readonly ApiTuningSpec Spec = Given.OnePodSpec(poolMax: 200, poolMin: 5, threadsMax: 256, p99LatencyMs: 250);

    private static Decision Decide(ObservedWindow w, int threads = 18) =>
        TuningEngine.Decide(Given.Input(w with { AppliedMinThreads = threads }, spec: Spec, settings: new Settings(1, threads, 40, 200)));

    [Fact]
    public void Blocked_threads_on_idle_cores_are_raised_up_to_four_times_in_one_step()
    {
        var d = Decide(Bursty());

        Assert.Equal(DecisionReasons.RaiseMinThreads, d.Reason);
        Assert.Equal((Knob.ThreadPoolMinThreads, 18, 72), (d.Knob, d.From, d.To));
        Assert.Contains("the threads are blocked (41.2 work items a second each", d.Message, StringComparison.Ordinal);
        Assert.Contains("so the step may quadruple them", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Starvation_named_on_the_measured_wait_alone_says_so_not_that_a_queue_of_zero_is_over_its_limit()
    {
        // The proof's bursty-starvation run of 16:27: raised on a window whose mean queue was 0 while work waited for
        // threads, and the words read "thread-pool queue 0 per pod > 10".
        var d = Decide(Bursty() with { QueueDepthMean = 0, QueueDepthSlopePerSecond = 0 });

        Assert.Equal(DecisionReasons.RaiseMinThreads, d.Reason);
        Assert.Contains("work waited 60 ms for a thread on average, at least 10% of the 250 ms objective, with the thread-pool queue at 0 per pod", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("queue 0 per pod >", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_completion_counter_the_step_is_a_doubling_as_before()
    {
        var d = Decide(Bursty() with { WorkItemsPerSecond = double.NaN });

        Assert.Equal(DecisionReasons.RaiseMinThreads, d.Reason);
        Assert.Equal((18, 36), (d.From, d.To));
        Assert.DoesNotContain("quadruple", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_step_stops_at_what_little_s_law_asks_for_and_at_the_budget()
    {
        // 18 threads busy and 25 queued at the busiest scrape: Little's law asks for (18 + 25) x 1.5 = 65, under 72.
        var small = Decide(Bursty() with
        {
            QueueDepthMean = 22,
            QueueDepthMax = 25,
            QueueDepthSlopePerSecond = 2,
            ThreadsFirst = 18,
            ThreadsLast = 18,
            ThreadsMean = 18,
            WorkItemsPerSecond = 18 * 41.2,
            ActiveRequestsMean = 20,
            ActiveRequestsMax = 30,
        });
        Assert.Equal(DecisionReasons.RaiseMinThreads, small.Reason);
        Assert.Equal((18, 65), (small.From, small.To));

        var atTop = Decide(Bursty(), threads: 100);
        Assert.Equal((100, 256), (atTop.From, atTop.To));
    }
}
