using Autotune.Engine.Decisions;
using Autotune.Engine.Model;
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
}
