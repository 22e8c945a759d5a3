using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

public sealed class WindowPoolAndSettingsTests
{
    private readonly ExpositionParser parser = new();

    [Fact]
    public void Pool_usage_sums_pool_generations_per_pod_and_averages_scrapes_and_pods()
    {
        // Pod a swaps pools: old generation 4 used of 10, new 11 of 20 -> 15/30 every scrape. Pod b: 9 of 10.
        var a = new PodState();
        a.Pools.Clear();
        a.Pools.AddRange([("app#1", 4, 6, 10), ("app#2", 11, 1, 20)]);
        var b = new PodState();
        b.Pools[0] = ("app#1", 9, 1, 10);

        var window = WindowBuilder.Build(Rounds(6, (a, "a"), (b, "b")));

        Assert.Equal(0.5, window.PerPod.Single(p => p.Pod == "a").PoolUsage, 9);
        Assert.Equal(0.9, window.PerPod.Single(p => p.Pod == "b").PoolUsage, 9);
        Assert.Equal(0.7, window.PoolUsage, 9);
    }

    [Fact]
    public void The_peak_in_use_is_the_most_connections_used_at_any_scrape_on_the_busiest_pod()
    {
        // Pod a: 3, 9 (4 + 5 over two pool generations), 4 used of 20 over its scrapes; pod b: 5 at every scrape.
        var a = new PodState();
        var b = new PodState();
        b.Pools[0] = ("app#1", 5, 5, 10);
        var scrapes = new List<Scrape>();
        foreach (var (i, pools) in new[] { (0, new[] { ("app#1", 3, 17, 20) }), (1, [("app#1", 4, 6, 10), ("app#2", 5, 5, 10)]), (2, [("app#1", 4, 16, 20)]), (3, [("app#1", 3, 17, 20)]) })
        {
            a.Pools.Clear();
            a.Pools.AddRange(pools);
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            scrapes.Add(b.ScrapeAt("b", i * 10, parser));
        }

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(9, window.PerPod.Single(p => p.Pod == "a").PoolInUseMax);
        Assert.Equal(5, window.PerPod.Single(p => p.Pod == "b").PoolInUseMax);
        Assert.Equal(9, window.PoolInUseMax);
    }

    [Fact]
    public void Pool_wait_hold_time_uses_timeouts_and_open_failures_come_from_deltas()
    {
        var a = new PodState { UseSeconds = 50, Uses = 1000, PoolTimeouts = 7, PhysicalConnections = 10, Pending = 2 };
        a.OpenFailures[SqlStates.TooManyConnections] = 3;
        a.Wait(0.0001, 10_000);
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 5; i++)
        {
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            a.Wait(0.0008, 98).Wait(0.04, 2);
            a.UseSeconds += 2;
            a.Uses += 400;
            a.PoolTimeouts += 1;
            a.OpenFailures[SqlStates.TooManyConnections] += 2;
            a.OpenFailures[SqlStates.AdminShutdown] = 1;
            a.PhysicalConnections += 1;
            a.Pending += 2;
        }

        var window = WindowBuilder.Build(scrapes);

        // In the window: 392 waits in (0.5 ms, 1 ms], 8 in (30 ms, 50 ms]; rank 396 is 4 of 8 into the second: 40 ms.
        Assert.Equal(40, window.PoolWaitP99Ms, 9);
        // 8 s of use over 1,600 uses: 5 ms per use; 1,600 uses over 40 s.
        Assert.Equal(5, window.ConnectionHoldMeanMs, 9);
        Assert.Equal(40, window.ConnectionUsesPerSecond, 9);
        Assert.Equal(4, window.PoolTimeouts);
        Assert.Equal(8, window.OpenFailures[SqlStates.TooManyConnections]);
        Assert.Equal(1, window.OpenFailures[SqlStates.AdminShutdown]);
        Assert.Equal(14, window.PhysicalConnections);
        Assert.Equal(6, window.PendingRequestsMean, 9);
    }

    [Fact]
    public void A_series_born_mid_window_counts_from_zero()
    {
        // The first 503 of the process appears at the third scrape with 7 already counted.
        var a = new PodState();
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 5; i++)
        {
            a.Observe(0.01, 100);
            if (i == 2)
            {
                a.Observe(0.01, 7, "503");
            }

            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
        }

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(400 + 7, window.Requests);
        Assert.Equal(7 / 407.0, window.ErrorRate, 9);
    }

    [Fact]
    public void Applied_generation_is_the_lowest_and_agreement_is_reported()
    {
        var a = new PodState { Generation = 3, MinThreads = 64, PoolSize = 24 };
        var b = new PodState { Generation = 2, MinThreads = 32, PoolSize = 20 };

        var split = WindowBuilder.Build(Rounds(4, (a, "a"), (b, "b")));
        b.Generation = 3;
        b.MinThreads = 64;
        b.PoolSize = 24;
        var agreed = WindowBuilder.Build(Rounds(4, (a, "a"), (b, "b")));

        Assert.Equal(2, split.AppliedGenerationMin);
        Assert.False(split.GenerationsAgree);
        Assert.Equal(32, split.AppliedMinThreads);
        Assert.Equal(20, split.AppliedPoolSize);
        Assert.Equal(3, agreed.AppliedGenerationMin);
        Assert.True(agreed.GenerationsAgree);
        Assert.Equal(64, agreed.AppliedMinThreads);
        Assert.Equal(24, agreed.AppliedPoolSize);
    }

    [Fact]
    public void A_pod_without_the_agent_reports_generation_zero_and_no_settings()
    {
        var a = new PodState { Generation = 3 };
        var b = new PodState { Generation = null };

        var window = WindowBuilder.Build(Rounds(4, (a, "a"), (b, "b")));

        Assert.Equal(0, window.AppliedGenerationMin);
        Assert.False(window.GenerationsAgree);
        Assert.Null(window.PerPod.Single(p => p.Pod == "b").AppliedMinThreads);
    }

    [Fact]
    public void Expected_pods_never_scraped_are_counted_missing()
    {
        var options = new WindowOptions { ExpectedPods = ["a", "b", "c"] };

        var window = WindowBuilder.Build(Rounds(4, (new PodState(), "a"), (new PodState(), "b")), options);

        Assert.Equal(2, window.Pods);
        Assert.Equal(1, window.MissingPods);
    }

    [Fact]
    public void A_window_without_requests_has_no_latency_but_zero_rate()
    {
        var window = WindowBuilder.Build(Rounds(4, (new PodState(), "a")), new WindowOptions { LatencyObjectiveMs = 100 });

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.Equal(0, window.Rps);
        Assert.True(double.IsNaN(window.P99Ms));
        Assert.True(double.IsNaN(window.ShareUnderObjective));
        Assert.True(double.IsNaN(window.ConnectionHoldMeanMs));
    }

    [Fact]
    public void Every_pod_bounds_its_pool_swap_only_when_each_advertises_it()
    {
        var bounded = WindowBuilder.Build(Rounds(4, (new PodState { BoundedPoolSwap = true }, "a"), (new PodState { BoundedPoolSwap = true }, "b")));
        var mixed = WindowBuilder.Build(Rounds(4, (new PodState { BoundedPoolSwap = true }, "a"), (new PodState(), "b")));
        var missing = WindowBuilder.Build(
            Rounds(4, (new PodState { BoundedPoolSwap = true }, "a")), new WindowOptions { ExpectedPods = ["a", "b"] });

        Assert.Equal((2, true), (bounded.BoundedSwapPods, bounded.EveryPodBoundsSwap));
        Assert.Equal((1, false), (mixed.BoundedSwapPods, mixed.EveryPodBoundsSwap));
        Assert.Equal((1, false), (missing.BoundedSwapPods, missing.EveryPodBoundsSwap));
    }

    [Fact]
    public void Counts_unreadable_lines_across_scrapes()
    {
        var scrapes = Enumerable.Range(0, 4)
            .Select(i => Scrape.Parsed("a", PodState.T0.AddSeconds(i * 10), 5, parser.Parse(new PodState().ToText() + "oops\n")))
            .ToList();

        Assert.Equal(4, WindowBuilder.Build(scrapes).ParseErrors);
    }

    private List<Scrape> Rounds(int rounds, params (PodState State, string Pod)[] pods) =>
        [.. Enumerable.Range(0, rounds).SelectMany(i => pods.Select(p => p.State.ScrapeAt(p.Pod, i * 10, parser)))];
}
