using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

/// <summary>
/// Minimum threads are raised only on evidence that threads are blocked: work waits for a thread while the pool's
/// completed work items stall and CPU has room in the process, on the machine and in the cgroup. Measured cases: an
/// async app at 8.7k req/s, P99 2.6 ms against 100 ms, was named starved; raised to 144 threads it served 0.7x.
/// </summary>
public sealed class StarvationVersusSaturationTests
{
    /// <summary>
    /// One pod whose threads block on a 40 ms call: 200 rps, the queue at 60 and growing, 4-5 threads each completing
    /// about 90 work items a second, queued work waiting up to 300 ms, the process at 20% CPU on an idle machine.
    /// </summary>
    private static ObservedWindow Blocked() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 200,
        Requests = 200 * 60,
        P50Ms = 180,
        P99Ms = 400,
        ShareUnderObjective = 0.9,
        QueueDepthMean = 60,
        QueueDepthMax = 90,
        QueueDepthSlopePerSecond = 1,
        ThreadsFirst = 4,
        ThreadsLast = 5,
        ThreadsMean = 4.5,
        CpuUtilization = 0.2,
        WorkItemsPerSecond = 400,
        QueueDelayMeanMs = 150,
        QueueDelayMaxMs = 300,
        MachineCpuIdleShare = 0.7,
        CpuStealShare = 0,
        CgroupThrottledShare = 0,
    };

    /// <summary>The async app: 8.7k req/s, P99 2.6 ms, work queued at every scrape, 60k work items a second on 14 threads.</summary>
    private static ObservedWindow BusyAsync() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 8700,
        Requests = 8700 * 60,
        P50Ms = 1.1,
        P99Ms = 2.6,
        ShareUnderObjective = 1,
        QueueDepthMean = 25,
        QueueDepthMax = 60,
        QueueDepthSlopePerSecond = 0.2,
        ThreadsFirst = 4,
        ThreadsLast = 14,
        ThreadsMax = 14,
        ThreadsMean = 12,
        CpuUtilization = 0.45,
        WorkItemsPerSecond = 60_000,
        QueueDelayMeanMs = 0.2,
        QueueDelayMaxMs = 0.9,
        MachineCpuIdleShare = 0.5,
        CpuStealShare = 0,
        CgroupThrottledShare = 0,
    };

    private static Finding Diagnose(ObservedWindow w, double objectiveMs = 250, int minThreads = 4) =>
        Diagnoser.Diagnose(Given.Spec() with { Objectives = Given.Spec().Objectives with { P99LatencyMs = objectiveMs } },
            w, new Settings(1, minThreads, 10, 200), TuningState.Empty, Given.Now);

    [Fact]
    public void Blocked_threads_with_an_idle_machine_are_starvation_and_the_finding_names_the_evidence()
    {
        var f = Diagnose(Blocked());

        Assert.Equal(Bottleneck.ThreadStarvation, f.Bottleneck);
        Assert.Contains("waited up to 300 ms", f.Summary, StringComparison.Ordinal);
        Assert.Contains("70% idle", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_busy_async_app_at_8_7k_rps_with_a_queue_and_p99_2_6_ms_is_not_starved()
    {
        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(BusyAsync(), objectiveMs: 100, minThreads: 2).Bottleneck);
    }

    [Fact]
    public void A_busy_async_app_over_its_objective_with_a_growing_queue_is_not_starved_while_it_completes_thousands_of_work_items_per_thread()
    {
        // Even with a queue that grows over its limit and the measured delay a real share, high throughput per thread is not blocking.
        var w = BusyAsync() with { P99Ms = 180, ShareUnderObjective = 0.95, QueueDepthMean = 40, QueueDepthSlopePerSecond = 0.5, ThreadsLast = 14, ThreadsFirst = 14, QueueDelayMeanMs = 20, QueueDelayMaxMs = 40 };

        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(w, objectiveMs: 100, minThreads: 2).Bottleneck);
        Assert.Equal(Bottleneck.ThreadStarvation, Diagnose(w with { WorkItemsPerSecond = 2_000 }, objectiveMs: 100, minThreads: 2).Bottleneck);
    }

    [Fact]
    public void A_busy_machine_leaves_no_room_though_the_process_is_idle()
    {
        var f = Diagnose(Blocked() with { MachineCpuIdleShare = 0.05 });

        Assert.NotEqual(Bottleneck.ThreadStarvation, f.Bottleneck);
        Assert.Contains("only 5% idle", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Stolen_cpu_leaves_no_room_either()
    {
        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(Blocked() with { CpuStealShare = 0.3 }).Bottleneck);
        Assert.Equal(Bottleneck.ThreadStarvation, Diagnose(Blocked() with { CpuStealShare = 0.02 }).Bottleneck);
    }

    [Fact]
    public void A_throttled_cgroup_over_the_objective_is_cpu_saturation_not_starvation()
    {
        var f = Diagnose(Blocked() with { CgroupThrottledShare = 0.4 });

        Assert.Equal(Bottleneck.CpuSaturated, f.Bottleneck);
        Assert.True(f.Actionable);
        Assert.Contains("throttled in 40%", f.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cgroup_at_its_cpu_limit_is_cpu_saturation_too()
    {
        Assert.Equal(Bottleneck.CpuSaturated, Diagnose(Blocked() with { CgroupCpuUtilization = 0.95 }).Bottleneck);
    }

    [Fact]
    public void The_measured_queue_delay_is_preferred_over_the_little_estimate()
    {
        // Little's estimate (90 queued / 400 per second = 225 ms) says work waits; the agent measured 0.5 ms at most.
        var measuredShort = Blocked() with { QueueDelayMaxMs = 0.5, QueueDelayMeanMs = 0.2 };
        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(measuredShort).Bottleneck);

        // Without the gauge, the estimate decides.
        var unmeasured = Blocked() with { QueueDelayMaxMs = double.NaN, QueueDelayMeanMs = double.NaN };
        Assert.Equal(Bottleneck.ThreadStarvation, Diagnose(unmeasured).Bottleneck);
        Assert.Equal(225, StarvationSignal.QueueWaitMs(unmeasured), 6);
        Assert.Equal(0.5, StarvationSignal.QueueWaitMs(measuredShort), 6);
    }

    [Fact]
    public void A_measured_delay_that_is_a_real_share_of_the_objective_is_starvation_though_the_queue_does_not_grow()
    {
        // The queue stands at 15, under its limit of 20, and does not grow; queued work waits 60 ms on average.
        var w = Blocked() with { QueueDepthMean = 15, QueueDepthMax = 20, QueueDepthSlopePerSecond = 0, QueueDelayMeanMs = 60, QueueDelayMaxMs = 120 };

        Assert.Equal(Bottleneck.ThreadStarvation, Diagnose(w).Bottleneck);
        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(w with { QueueDelayMeanMs = 5, QueueDelayMaxMs = 120 }).Bottleneck);
    }

    [Fact]
    public void An_older_agent_without_the_new_series_is_judged_as_before()
    {
        var old = Blocked() with
        {
            WorkItemsPerSecond = double.NaN,
            QueueDelayMeanMs = double.NaN,
            QueueDelayMaxMs = double.NaN,
            MachineCpuIdleShare = double.NaN,
            CpuStealShare = double.NaN,
            CgroupThrottledShare = double.NaN,
        };

        Assert.Equal(Bottleneck.ThreadStarvation, Diagnose(old).Bottleneck);
        Assert.NotEqual(Bottleneck.ThreadStarvation, Diagnose(old with { CpuUtilization = 0.7 }).Bottleneck);
    }

    [Theory]
    [InlineData(400, 4.5, true)]
    [InlineData(60_000, 12, false)]
    [InlineData(double.NaN, 4, true)]
    [InlineData(2_000, double.NaN, true)]
    public void Completions_stall_below_500_work_items_per_thread_per_second(double perSecond, double threads, bool stall)
    {
        Assert.Equal(stall, StarvationSignal.CompletionsStall(perSecond, threads));
    }

    [Fact]
    public void Per_pod_burst_starvation_also_needs_room_on_that_pods_machine()
    {
        // Bursts: over the objective, the queue drained by the end, threads injected past the minimum of 4 on pod a.
        var pod = new PodObservation
        {
            Pod = "a",
            CpuUtilization = 0.2,
            QueueDepthMax = 40,
            ThreadsMax = 20,
            ThreadsLast = 20,
            ThreadsMean = 12,
            WorkItemsPerSecond = 400,
            MachineCpuIdleShare = 0.6,
            QueueDelayMaxMs = 200,
        };
        var w = Blocked() with { QueueDepthMean = 2, QueueDepthSlopePerSecond = -1, ThreadsFirst = 4, ThreadsLast = 20, ThreadsMax = 20, PerPod = [pod] };

        Assert.True(StarvationSignal.StarvingInBursts(w, overObjective: true, minThreads: 4, objectiveMs: 250));
        Assert.False(StarvationSignal.StarvingInBursts(w with { PerPod = [pod with { MachineCpuIdleShare = 0.1 }] }, overObjective: true, minThreads: 4, objectiveMs: 250));
        Assert.False(StarvationSignal.StarvingInBursts(w with { PerPod = [pod with { CgroupThrottledShare = 0.3 }] }, overObjective: true, minThreads: 4, objectiveMs: 250));
    }
}
