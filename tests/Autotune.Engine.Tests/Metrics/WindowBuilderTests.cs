using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

public sealed class WindowBuilderTests
{
    private readonly ExpositionParser parser = new();

    [Fact]
    public void Rates_and_quantiles_come_from_bucket_deltas_between_first_and_last_scrape()
    {
        // 5,000 fast requests before the window must not count; in it: 900 at 20 ms, 95 at 100 ms, 5 at 250 ms, 20 of them 503.
        var pod = new PodState().Observe(0.0015, 5000);
        var scrapes = new List<Scrape> { pod.ScrapeAt("a", 0, parser) };
        for (var s = 10; s <= 50; s += 10)
        {
            pod.Observe(0.02, 180).Observe(0.1, 19).Observe(0.25, 1);
            scrapes.Add(pod.ScrapeAt("a", s, parser));
        }

        pod.Observe(0.02, -20).Observe(0.02, 20, "503");
        scrapes[^1] = pod.ScrapeAt("a", 50, parser);

        var window = WindowBuilder.Build(scrapes, new WindowOptions { LatencyObjectiveMs = 80 });

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(TimeSpan.FromSeconds(50), window.Duration);
        Assert.Equal(1000, window.Requests);
        Assert.Equal(20, window.Rps, 9);
        Assert.Equal(0.02, window.ErrorRate, 9);
        // Rank 500 of 900 inside (15 ms, 20 ms]: 15 + 5 x 500/900.
        Assert.Equal(15 + (5 * 500.0 / 900), window.P50Ms, 9);
        // Rank 990: 90 into the 95 of (75 ms, 100 ms]: 75 + 25 x 90/95.
        Assert.Equal(75 + (25 * 90.0 / 95), window.P99Ms, 9);
        // At or under 80 ms: 900 + 95 x (80-75)/(100-75) = 919 of 1000.
        Assert.Equal(0.919, window.ShareUnderObjective, 9);
    }

    [Fact]
    public void A_counter_that_falls_is_a_restart_counted_from_zero_like_increase()
    {
        // Requests seen 1000, 1100, 1200, restart, 50, 150, 250: increase 100+100+50+100+100 = 450.
        var scrapes = new List<Scrape>();
        var before = new PodState().Observe(0.01, 1000);
        scrapes.Add(before.ScrapeAt("a", 0, parser));
        scrapes.Add(before.Observe(0.01, 100).ScrapeAt("a", 10, parser));
        scrapes.Add(before.Observe(0.01, 100).ScrapeAt("a", 20, parser));
        var restarted = new PodState().Observe(0.01, 50);
        scrapes.Add(restarted.ScrapeAt("a", 30, parser));
        scrapes.Add(restarted.Observe(0.01, 100).ScrapeAt("a", 40, parser));
        scrapes.Add(restarted.Observe(0.01, 100).ScrapeAt("a", 50, parser));

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(450, window.Requests);
        Assert.Equal(9, window.Rps, 9);
        Assert.True(window.CounterResets > 0);
        Assert.True(window.PerPod[0].CounterResets > 0);
        // Every request took 10 ms, so every quantile lies in (7.5 ms, 10 ms] whatever the reset did.
        Assert.InRange(window.P99Ms, 7.5, 10);
    }

    [Fact]
    public void A_pod_that_appears_at_the_end_is_counted_but_gives_no_deltas()
    {
        var a = new PodState();
        var scrapes = Enumerable.Range(0, 6).Select(i => a.Observe(0.01, 100).ScrapeAt("a", i * 10, parser)).ToList();
        scrapes.Add(new PodState().Observe(0.01, 777).ScrapeAt("b", 50, parser));

        var window = WindowBuilder.Build(scrapes);

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(2, window.Pods);
        Assert.Equal(1, window.PodsWithoutDeltas);
        Assert.Equal(500, window.Requests);
        Assert.Equal(6, window.Scrapes);
        Assert.False(window.PerPod.Single(p => p.Pod == "b").HasDeltas);
    }

    [Fact]
    public void A_pod_that_vanishes_mid_window_still_counts_its_partial_deltas()
    {
        var a = new PodState();
        var b = new PodState();
        var scrapes = Enumerable.Range(0, 6).Select(i => a.Observe(0.01, 100).ScrapeAt("a", i * 10, parser)).ToList();
        scrapes.AddRange(Enumerable.Range(0, 3).Select(i => b.Observe(0.01, 40).ScrapeAt("b", i * 10, parser)));

        var window = WindowBuilder.Build(scrapes);

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(2, window.Pods);
        Assert.Equal(0, window.PodsWithoutDeltas);
        Assert.Equal(500 + 80, window.Requests);
        Assert.Equal(580 / 50.0, window.Rps, 9);
        Assert.Equal(80, window.PerPod.Single(p => p.Pod == "b").Requests);
    }

    [Fact]
    public void Fewer_than_four_scrape_rounds_mark_the_window_insufficient()
    {
        var a = new PodState();
        var scrapes = Enumerable.Range(0, 3).Select(i => a.Observe(0.01, 100).ScrapeAt("a", i * 10, parser)).ToList();

        var window = WindowBuilder.Build(scrapes);

        Assert.False(window.IsSufficient);
        Assert.Contains("3 scrape rounds", window.InsufficientReason, StringComparison.Ordinal);
        Assert.Equal(3, window.Scrapes);
    }

    [Fact]
    public void Timed_out_scrapes_of_a_live_pod_are_evidence_not_missing_data()
    {
        var a = new PodState();
        var scrapes = Enumerable.Range(0, 4).Select(i => a.Observe(0.01, 10).ScrapeAt("a", i * 10, parser, latencyMs: 12)).ToList();
        scrapes.Add(Scrape.TimedOut("a", PodState.T0.AddSeconds(40), 2000));
        scrapes.Add(Scrape.TimedOut("a", PodState.T0.AddSeconds(50), 2000));
        scrapes.Add(Scrape.Failed("gone", PodState.T0.AddSeconds(50), 9000));

        var window = WindowBuilder.Build(scrapes);

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(6, window.Scrapes);
        Assert.Equal(2, window.TimedOutScrapes);
        Assert.Equal(1, window.FailedScrapes);
        Assert.Equal(2000, window.ScrapeLatencyMaxMs);
        Assert.Equal(1, window.Pods);
    }

    [Fact]
    public void A_pod_that_only_times_out_leaves_the_window_insufficient_but_reports_why()
    {
        var scrapes = Enumerable.Range(0, 5).Select(i => Scrape.TimedOut("a", PodState.T0.AddSeconds(i * 10), 3000)).ToList();

        var window = WindowBuilder.Build(scrapes);

        Assert.False(window.IsSufficient);
        Assert.Contains("5 scrapes timed out", window.InsufficientReason, StringComparison.Ordinal);
        Assert.Equal(3000, window.ScrapeLatencyMaxMs);
        Assert.Equal(5, window.TimedOutScrapes);
    }

    [Fact]
    public void Cpu_utilisation_is_cpu_time_delta_over_window_seconds_times_cores()
    {
        // 60 CPU-seconds (45 user + 15 system) over 50 s: 0.6 of 2 cores, 0.3 of 4, 0.5 of the 2.4 given.
        Assert.Equal(0.6, CpuWindow(cpuCount: 2, given: null), 9);
        Assert.Equal(0.3, CpuWindow(cpuCount: 4, given: null), 9);
        Assert.Equal(0.5, CpuWindow(cpuCount: 4, given: 2.4), 9);
        Assert.True(double.IsNaN(CpuWindow(cpuCount: null, given: null)));
    }

    [Fact]
    public void Queue_depth_gives_mean_and_least_squares_slope_and_threads_first_last_mean()
    {
        var a = new PodState();
        double[] queue = [0, 3, 3, 6, 9, 9];
        double[] threads = [8, 9, 10, 11, 12, 13];
        var scrapes = Enumerable.Range(0, 6).Select(i =>
        {
            a.QueueLength = queue[i];
            a.Threads = threads[i];
            return a.ScrapeAt("a", i * 10, parser);
        }).ToList();

        var window = WindowBuilder.Build(scrapes);

        // Least squares over t = 0..50: sum((t - 25)(q - 5)) / sum((t - 25)^2) = (125+30+10+5+60+100) / 1750.
        Assert.Equal(330.0 / 1750, window.QueueDepthSlopePerSecond, 9);
        Assert.Equal(5, window.QueueDepthMean, 9);
        Assert.Equal(8, window.ThreadsFirst);
        Assert.Equal(13, window.ThreadsLast);
        Assert.Equal(10.5, window.ThreadsMean, 9);
    }

    private double CpuWindow(double? cpuCount, double? given)
    {
        var a = new PodState { CpuCount = cpuCount, CpuUserSeconds = 100, CpuSystemSeconds = 20 };
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 6; i++)
        {
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            a.CpuUserSeconds += 9;
            a.CpuSystemSeconds += 3;
        }

        var options = new WindowOptions
        {
            CoresByPod = given is { } cores ? new Dictionary<string, double> { ["a"] = cores } : new Dictionary<string, double>(),
        };
        return WindowBuilder.Build(scrapes, options).CpuUtilization;
    }
}
