using Autotune.Agent.Metrics;
using Autotune.Contracts;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class CpuSeriesTests
{
    [Fact]
    public async Task The_scrape_shows_the_machine_cpu_as_proc_stat_says_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(cancellationToken: ct);

        var before = SystemCpuTimes.Read();
        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        var after = SystemCpuTimes.Read();

        Assert.NotNull(before);
        Assert.NotNull(after);
        var modes = scrape.Samples.Where(s => s.Name == MetricNames.SystemCpuTime.Prometheus).Select(s => s.Labels[MetricLabels.CpuMode]).Order().ToList();
        Assert.Equal(["idle", "interrupt", "iowait", "nice", "steal", "system", "user"], modes);
        Assert.InRange(scrape.Sum(MetricNames.SystemCpuTime.Prometheus, (MetricLabels.CpuMode, MetricLabels.CpuModeIdle)), before.Value.Idle, after.Value.Idle);
        Assert.InRange(scrape.Sum(MetricNames.SystemCpuTime.Prometheus, (MetricLabels.CpuMode, "user")), before.Value.User, after.Value.User);
    }

    [Fact]
    public async Task The_scrape_shows_the_cgroup_cpu_where_the_process_has_one_and_nothing_where_not()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(cancellationToken: ct);
        var cgroup = CgroupCpu.Locate();

        var before = cgroup?.Read();
        var scrape = Scrape.Parse(await app.ScrapeAsync(ct));
        var after = cgroup?.Read();

        if (before is null || after is null)
        {
            Assert.DoesNotContain(scrape.Samples, s => MetricNames.Cgroup.Any(m => m.Prometheus == s.Name));
            return;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"cgroup v{cgroup!.Version} at {cgroup.CpuDirectory}, {cgroup.UsageDirectory}");
        Assert.InRange(scrape.Value(MetricNames.CgroupCpuTime.Prometheus) ?? -1, before.UsageSeconds, after.UsageSeconds);
        Assert.Equal(after.LimitCores, scrape.Value(MetricNames.CgroupCpuLimit.Prometheus));
        if (after.Periods is { } periods)
        {
            Assert.InRange(scrape.Value(MetricNames.CgroupCpuPeriods.Prometheus) ?? -1, before.Periods!.Value, periods);
            Assert.InRange(scrape.Value(MetricNames.CgroupCpuThrottledPeriods.Prometheus) ?? -1, before.ThrottledPeriods!.Value, after.ThrottledPeriods!.Value);
            Assert.InRange(scrape.Value(MetricNames.CgroupCpuThrottledTime.Prometheus) ?? -1, before.ThrottledSeconds!.Value, after.ThrottledSeconds!.Value);
        }
        else
        {
            Assert.Null(scrape.Value(MetricNames.CgroupCpuPeriods.Prometheus));
        }
    }

    [Fact]
    public async Task The_completed_work_item_counter_reaches_the_scrape_and_counts_work_done()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await AgentApp.StartAsync(cancellationToken: ct);

        var first = Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.ThreadPoolWorkItems.Prometheus);
        using var done = new CountdownEvent(100);
        for (var i = 0; i < 100; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static d => d.Signal(), done, preferLocal: false);
        }

        Assert.True(done.Wait(TimeSpan.FromSeconds(10), ct));
        var second = Scrape.Parse(await app.ScrapeAsync(ct)).Value(MetricNames.ThreadPoolWorkItems.Prometheus);

        Assert.NotNull(first);
        Assert.True(second >= first + 100, $"work items completed: {first} then {second}");
    }
}
