using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

public sealed class DataSufficiencyTests
{
    [Fact]
    public void Holds_when_there_is_no_window()
    {
        var d = TuningEngine.Decide(Given.Input(window: null));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.NoData, d.Reason);
        Assert.Equal(Bottleneck.Unknown, d.Bottleneck);
    }

    [Fact]
    public void Holds_when_window_is_stale()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted(), now: Given.Now + TimeSpan.FromMinutes(5)));

        Assert.Equal(DecisionReasons.StaleData, d.Reason);
        Assert.Contains("300 s ago", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Holds_when_window_has_too_few_scrapes()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { Scrapes = 3 }));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.TooFewScrapes, d.Reason);
        Assert.Contains("3 scrapes", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Holds_when_traffic_is_too_little_to_judge_latency()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { Requests = 20, Rps = 0.3 }));

        Assert.Equal(DecisionReasons.TooLittleTraffic, d.Reason);
    }

    [Fact]
    public void Holds_when_ready_pods_could_not_be_scraped()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { MissingPods = 1 }));

        Assert.Equal(DecisionReasons.MissingPods, d.Reason);
        Assert.Contains("1 of 4", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Treats_slow_scrapes_of_a_growing_queue_as_starvation_not_missing_data()
    {
        var starved = Given.Healthy() with
        {
            Scrapes = 2,
            Requests = 30,
            Rps = 0.5,
            QueueDepthMean = 400,
            QueueDepthSlopePerSecond = 12,
            ScrapeLatencyMaxMs = 4000,
            CpuUtilization = double.NaN,
            ThreadsFirst = 16,
            ThreadsLast = 40,
        };

        var d = TuningEngine.Decide(Given.Input(starved));

        Assert.Equal(Bottleneck.ThreadStarvation, d.Bottleneck);
        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(Knob.ThreadPoolMinThreads, d.Knob);
        Assert.Contains("slowest scrape 4000 ms", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Treats_timed_out_scrapes_of_live_pods_with_a_growing_queue_as_starvation()
    {
        var starved = Given.Healthy() with
        {
            Scrapes = 6,
            IsSufficient = false,
            InsufficientReason = "no pod answered two scrapes",
            TimedOutScrapes = 9,
            Requests = 10,
            Rps = 0.2,
            QueueDepthMean = 300,
            QueueDepthSlopePerSecond = 5,
            CpuUtilization = double.NaN,
            ScrapeLatencyMaxMs = 0,
        };

        var d = TuningEngine.Decide(Given.Input(starved));

        Assert.Equal(Bottleneck.ThreadStarvation, d.Bottleneck);
        Assert.Equal(Knob.ThreadPoolMinThreads, d.Knob);
        Assert.Contains("9 scrapes of live pods timed out", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Holds_when_the_window_builder_marks_the_window_insufficient()
    {
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { IsSufficient = false, InsufficientReason = "2 scrape rounds, 4 needed" }));

        Assert.Equal(DecisionKind.Hold, d.Kind);
        Assert.Equal(DecisionReasons.TooFewScrapes, d.Reason);
        Assert.Contains("2 scrape rounds, 4 needed", d.Message, StringComparison.Ordinal);
    }
    /// <summary>
    /// A live process on the blocking path after overload (recorded on the demo stack): 14 requests in the window,
    /// 1,724 items queued for threads and no longer growing, CPU idle, threads trickling in.
    /// </summary>
    private static ObservedWindow Backlog() => Given.Healthy() with
    {
        Requests = 14,
        Rps = 1.2,
        P50Ms = 2000,
        P99Ms = 4720,
        ShareUnderObjective = 0.36,
        QueueDepthMean = 1724,
        QueueDepthMax = 1744,
        QueueDepthSlopePerSecond = -1.4,
        CpuUtilization = 0.011,
        ThreadsFirst = 130,
        ThreadsLast = 144,
        ThreadsMax = 144,
        PoolUsage = 0.75,
        PendingRequestsMean = 101,
        PoolWaitP99Ms = double.NaN,
    };

    [Fact]
    public void Treats_a_backlog_that_does_not_drain_as_starvation_not_too_little_traffic()
    {
        var d = TuningEngine.Decide(Given.Input(Backlog(), settings: new Settings(1, 18, 4, 200)));

        Assert.Equal((Bottleneck.ThreadStarvation, Knob.ThreadPoolMinThreads), (d.Bottleneck, d.Knob));
        Assert.Contains("thread-pool queue 1724 per pod > 20 and not draining (-1.4/s)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_that_drains_within_the_window_is_not_a_backlog()
    {
        var d = TuningEngine.Decide(Given.Input(Backlog() with { QueueDepthMean = 400, QueueDepthSlopePerSecond = -20 }, settings: new Settings(1, 18, 4, 200)));

        Assert.Equal(DecisionReasons.TooLittleTraffic, d.Reason);
    }
}
