using Autotune.Contracts;
using Autotune.Engine.Metrics.Exposition;
using Autotune.Engine.Metrics.Windows;
using Xunit;

namespace Autotune.Engine.Tests.Metrics;

/// <summary>The machine's and the cgroup's CPU, and the measured queue delay, as a window reads them.</summary>
public sealed class WindowCpuRoomTests
{
    private readonly ExpositionParser parser = new();

    [Fact]
    public void Machine_idle_and_steal_shares_come_from_the_increases_of_each_cpu_mode()
    {
        // Per 10 s on 2 CPUs (20 CPU-seconds): user 9, system 3, idle 5, iowait 1, steal 2 -> idle share 6/20, steal 2/20.
        var a = new PodState();
        Set(a.SystemCpu, user: 1000, system: 300, idle: 5000, iowait: 100, steal: 50);
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 6; i++)
        {
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            Add(a.SystemCpu, user: 9, system: 3, idle: 5, iowait: 1, steal: 2);
        }

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(0.3, window.MachineCpuIdleShare, 9);
        Assert.Equal(0.1, window.CpuStealShare, 9);
        Assert.Equal(0.3, window.PerPod[0].MachineCpuIdleShare, 9);
    }

    [Fact]
    public void A_mode_that_only_appears_mid_window_counts_from_zero_and_a_reset_machine_counter_counts_from_zero_too()
    {
        // Steal appears at the third scrape with 4 s; idle falls (agent restarted its reading) and counts from 0.
        var a = new PodState();
        Set(a.SystemCpu, user: 100, system: 0, idle: 100, iowait: 0, steal: null);
        var scrapes = new List<Scrape> { a.ScrapeAt("a", 0, parser) };
        a.SystemCpu["user"] = 110;
        a.SystemCpu["idle"] = 110;
        scrapes.Add(a.ScrapeAt("a", 10, parser));
        a.SystemCpu[MetricLabels.CpuModeSteal] = 4;
        a.SystemCpu["user"] = 116;
        a.SystemCpu["idle"] = 116;
        scrapes.Add(a.ScrapeAt("a", 20, parser));
        a.SystemCpu["idle"] = 6;
        a.SystemCpu["user"] = 126;
        scrapes.Add(a.ScrapeAt("a", 30, parser));

        var window = WindowBuilder.Build(scrapes);

        // user 26, idle 10 + 6 + 6 = 22, steal 4: total 52.
        Assert.Equal(22.0 / 52, window.MachineCpuIdleShare, 9);
        Assert.Equal(4.0 / 52, window.CpuStealShare, 9);
    }

    [Fact]
    public void Cgroup_throttled_share_is_throttled_periods_over_periods_and_utilisation_is_against_the_limit()
    {
        // Per 10 s: 100 periods, 25 throttled, 0.5 s throttled, 9 CPU-seconds against a limit of 1.5 cores.
        var a = new PodState { CgroupLimit = 1.5, Cgroup = (1000, 5000, 100, 7) };
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 6; i++)
        {
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            var (seconds, periods, throttled, throttledSeconds) = a.Cgroup!.Value;
            a.Cgroup = (seconds + 9, periods + 100, throttled + 25, throttledSeconds + 0.5);
        }

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(0.25, window.CgroupThrottledShare, 9);
        Assert.Equal(0.05, window.CgroupThrottledSecondsPerSecond, 9);
        Assert.Equal(0.6, window.CgroupCpuUtilization, 9);
    }

    [Fact]
    public void A_cgroup_without_a_quota_is_never_throttled_and_has_no_utilisation_against_a_limit()
    {
        var a = new PodState { CgroupLimit = 0, Cgroup = (10, 0, 0, 0) };
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 5; i++)
        {
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            a.Cgroup = (a.Cgroup!.Value.Seconds + 3, 0, 0, 0);
        }

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(0, window.CgroupThrottledShare);
        Assert.True(double.IsNaN(window.CgroupCpuUtilization));
    }

    [Fact]
    public void Measured_queue_delay_gives_mean_and_max_in_milliseconds_averaged_over_pods()
    {
        var a = new PodState();
        var b = new PodState();
        double[] delaysA = [0.001, 0.003, 0.002, 0.010, 0.004];
        double[] delaysB = [0.020, 0.020, 0.020, 0.020, 0.020];
        var scrapes = new List<Scrape>();
        for (var i = 0; i < 5; i++)
        {
            a.QueueDelaySeconds = delaysA[i];
            b.QueueDelaySeconds = delaysB[i];
            scrapes.Add(a.ScrapeAt("a", i * 10, parser));
            scrapes.Add(b.ScrapeAt("b", i * 10, parser));
        }

        var window = WindowBuilder.Build(scrapes);

        Assert.Equal(4, window.PerPod.Single(p => p.Pod == "a").QueueDelayMeanMs, 9);
        Assert.Equal(10, window.PerPod.Single(p => p.Pod == "a").QueueDelayMaxMs, 9);
        Assert.Equal((4 + 20) / 2.0, window.QueueDelayMeanMs, 9);
        Assert.Equal((10 + 20) / 2.0, window.QueueDelayMaxMs, 9);
    }

    [Fact]
    public void Every_new_figure_is_nan_when_the_agent_does_not_export_its_series()
    {
        var a = new PodState();
        var scrapes = Enumerable.Range(0, 5).Select(i => a.Observe(0.01, 100).ScrapeAt("a", i * 10, parser)).ToList();

        var window = WindowBuilder.Build(scrapes);

        Assert.True(window.IsSufficient, window.InsufficientReason);
        Assert.True(double.IsNaN(window.MachineCpuIdleShare));
        Assert.True(double.IsNaN(window.CpuStealShare));
        Assert.True(double.IsNaN(window.CgroupThrottledShare));
        Assert.True(double.IsNaN(window.CgroupThrottledSecondsPerSecond));
        Assert.True(double.IsNaN(window.CgroupCpuUtilization));
        Assert.True(double.IsNaN(window.QueueDelayMeanMs));
        Assert.True(double.IsNaN(window.QueueDelayMaxMs));
    }

    private static void Set(Dictionary<string, double> cpu, double user, double system, double idle, double iowait, double? steal)
    {
        cpu["user"] = user;
        cpu["system"] = system;
        cpu[MetricLabels.CpuModeIdle] = idle;
        cpu[MetricLabels.CpuModeIoWait] = iowait;
        if (steal is { } s)
        {
            cpu[MetricLabels.CpuModeSteal] = s;
        }
    }

    private static void Add(Dictionary<string, double> cpu, double user, double system, double idle, double iowait, double steal)
    {
        cpu["user"] += user;
        cpu["system"] += system;
        cpu[MetricLabels.CpuModeIdle] += idle;
        cpu[MetricLabels.CpuModeIoWait] += iowait;
        cpu[MetricLabels.CpuModeSteal] += steal;
    }
}
