using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

/// <summary>
/// A queue is starvation only when queued work waits for a thread: the pool's completed work items say how long
/// (queue / completions per second). Measured case: a fast async app at 8.7k req/s, P99 2.6 ms against 100 ms, with
/// a thread-pool queue and threads past the minimum, was named starved, and the raises cost 0.7x the throughput.
/// </summary>
public sealed class QueueWaitTests
{
    /// <summary>A busy async pod: 8.7k req/s, P99 2.6 ms, work queued at every scrape, threads grown 2 -> 14 by the runtime.</summary>
    private static ObservedWindow BusyAsync(double workItemsPerSecond) => Given.Healthy() with
    {
        Pods = 1,
        Rps = 8700,
        Requests = 8700 * 60,
        P50Ms = 1.1,
        P99Ms = 2.6,
        ShareUnderObjective = 1,
        QueueDepthMean = 6,
        QueueDepthMax = 30,
        QueueDepthSlopePerSecond = 0.05,
        ThreadsFirst = 4,
        ThreadsLast = 14,
        ThreadsMax = 14,
        CpuUtilization = 0.45,
        WorkItemsPerSecond = workItemsPerSecond,
    };

    private static Finding Diagnose(ObservedWindow w, double objectiveMs = 100) =>
        Diagnoser.Diagnose(Given.Spec() with { Objectives = Given.Spec().Objectives with { P99LatencyMs = objectiveMs } }, w, new Settings(1, 2, 10, 200), TuningState.Empty, Given.Now);

    [Fact]
    public void A_busy_async_pool_whose_queue_drains_in_microseconds_is_not_starved()
    {
        var f = Diagnose(BusyAsync(workItemsPerSecond: 60_000));

        Assert.NotEqual(Bottleneck.ThreadStarvation, f.Bottleneck);
    }

    [Fact]
    public void The_same_queue_behind_blocked_threads_that_complete_little_is_starvation()
    {
        var f = Diagnose(BusyAsync(workItemsPerSecond: 120));

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
    }

    [Fact]
    public void Without_the_completion_counter_the_queue_alone_decides_as_before()
    {
        var f = Diagnose(BusyAsync(workItemsPerSecond: double.NaN));

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
    }

    [Fact]
    public void A_growing_queue_over_its_limit_that_drains_quickly_is_not_starvation_over_the_objective_either()
    {
        var w = BusyAsync(60_000) with { P99Ms = 180, ShareUnderObjective = 0.97, QueueDepthMean = 40, QueueDepthMax = 90, QueueDepthSlopePerSecond = 0.5, ThreadsFirst = 14, ThreadsLast = 14 };

        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(w).Bottleneck);
        Assert.Equal(Bottleneck.ThreadStarvation, Diagnose(w with { WorkItemsPerSecond = 50 }).Bottleneck);
    }

    [Theory]
    [InlineData(30, 60_000, 0.5)]
    [InlineData(30, 120, 250)]
    [InlineData(0, 0, 0)]
    public void Queue_wait_is_the_queue_over_the_completion_rate(double queue, double perSecond, double expectedMs)
    {
        Assert.Equal(expectedMs, StarvationSignal.QueueWaitMs(queue, perSecond), 6);
    }

    [Fact]
    public void A_queue_nothing_completes_waits_forever_and_an_unknown_rate_is_unknown()
    {
        Assert.Equal(double.PositiveInfinity, StarvationSignal.QueueWaitMs(5, 0));
        Assert.True(double.IsNaN(StarvationSignal.QueueWaitMs(5, double.NaN)));
    }
}
