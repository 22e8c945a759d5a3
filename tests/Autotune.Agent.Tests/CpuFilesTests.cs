using Autotune.Agent.Metrics;
using Xunit;

namespace Autotune.Agent.Tests;

/// <summary>The machine's and the cgroup's CPU files, parsed from contents copied from real machines.</summary>
public sealed class CpuFilesTests
{
    private const string V2Stat = """
        usage_usec 8123456
        user_usec 6000000
        system_usec 2123456
        core_sched.force_idle_usec 0
        nr_periods 1200
        nr_throttled 300
        throttled_usec 4500000
        nr_bursts 0
        burst_usec 0
        """;

    [Fact]
    public void Reads_cgroup_v2_usage_throttling_and_limit()
    {
        var sample = CgroupCpu.ParseV2(V2Stat, "150000 100000\n");

        Assert.NotNull(sample);
        Assert.Equal(8.123456, sample.UsageSeconds, 6);
        Assert.Equal(1200, sample.Periods);
        Assert.Equal(300, sample.ThrottledPeriods);
        Assert.Equal(4.5, sample.ThrottledSeconds!.Value, 6);
        Assert.Equal(1.5, sample.LimitCores, 6);
    }

    [Fact]
    public void A_cgroup_v2_without_a_limit_or_the_cpu_controller_reports_usage_only()
    {
        Assert.Equal(0, CgroupCpu.LimitV2("max 100000\n"));

        // Without +cpu in the parent's subtree_control, cpu.stat has the usage lines only; the root has no cpu.max.
        var sample = CgroupCpu.ParseV2("usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n", cpuMax: null);

        Assert.NotNull(sample);
        Assert.Equal(2.0, sample.UsageSeconds, 6);
        Assert.Null(sample.Periods);
        Assert.Null(sample.ThrottledPeriods);
        Assert.Null(sample.ThrottledSeconds);
        Assert.Equal(0, sample.LimitCores);
        Assert.Null(CgroupCpu.ParseV2("nr_periods 3\n", null));
    }

    [Fact]
    public void Reads_cgroup_v1_usage_in_nanoseconds_and_the_cfs_quota()
    {
        var stat = "nr_periods 10\nnr_throttled 2\nthrottled_time 3000000000\nnr_bursts 0\nburst_time 0\n";

        var limited = CgroupCpu.ParseV1(stat, "299581010558\n", "50000\n", "100000\n");
        var unlimited = CgroupCpu.ParseV1(stat, "299581010558\n", "-1\n", "100000\n");

        Assert.NotNull(limited);
        Assert.Equal(299.581010558, limited.UsageSeconds, 6);
        Assert.Equal(10, limited.Periods);
        Assert.Equal(2, limited.ThrottledPeriods);
        Assert.Equal(3.0, limited.ThrottledSeconds!.Value, 6);
        Assert.Equal(0.5, limited.LimitCores, 6);
        Assert.Equal(0, unlimited!.LimitCores);
        Assert.Null(CgroupCpu.ParseV1(stat, "not a number", "-1", "100000"));
    }

    [Fact]
    public void Finds_the_cgroup_v2_directory_named_in_proc_self_cgroup_or_the_root_of_a_namespaced_mount()
    {
        var files = new HashSet<string> { "/cg/cgroup.controllers", "/cg/kubepods.slice/pod1/c1/cpu.stat", "/cg/cpu.stat" };

        var nested = CgroupCpu.Locate("0::/kubepods.slice/pod1/c1\n", "/cg", files.Contains);
        var namespaced = CgroupCpu.Locate("0::/\n", "/cg", files.Contains);
        var hostPath = CgroupCpu.Locate("0::/system.slice/other.service\n", "/cg", files.Contains);

        Assert.Equal((2, "/cg/kubepods.slice/pod1/c1"), (nested!.Version, nested.CpuDirectory));
        Assert.Equal("/cg", namespaced!.CpuDirectory);
        Assert.Equal("/cg", hostPath!.CpuDirectory);
    }

    [Fact]
    public void Finds_the_cgroup_v1_cpu_and_cpuacct_directories_separate_or_joined()
    {
        // This machine's layout (hybrid: v1 controllers, an empty v2 tree at unified/).
        var separate = new HashSet<string> { "/cg/cpu/cpu.stat", "/cg/cpuacct/cpuacct.usage" };
        const string Hybrid = "9:name=systemd:/\n4:memory:/process_api/5663\n2:cpuacct:/\n1:cpu:/\n0::/\n";
        // Docker without a cgroup namespace: the host's path is shown, the container's cgroup is mounted at the root.
        var joined = new HashSet<string> { "/cg/cpu,cpuacct/cpu.stat", "/cg/cpu,cpuacct/cpuacct.usage" };
        const string Docker = "3:cpu,cpuacct:/docker/4f1c\n2:memory:/docker/4f1c\n";

        var first = CgroupCpu.Locate(Hybrid, "/cg", separate.Contains);
        var second = CgroupCpu.Locate(Docker, "/cg", joined.Contains);

        Assert.Equal((1, "/cg/cpu", "/cg/cpuacct"), (first!.Version, first.CpuDirectory, first.UsageDirectory));
        Assert.Equal((1, "/cg/cpu,cpuacct", "/cg/cpu,cpuacct"), (second!.Version, second.CpuDirectory, second.UsageDirectory));
        Assert.Null(CgroupCpu.Locate("2:memory:/x\n", "/cg", separate.Contains));
        Assert.Null(CgroupCpu.Locate(Hybrid, "/cg", _ => false));
    }

    [Fact]
    public void Reads_the_machine_cpu_times_from_proc_stat_in_user_hz()
    {
        var times = SystemCpuTimes.Parse("cpu  26645 7 2747 25641 328 12 94 85 0 0");
        var oldKernel = SystemCpuTimes.Parse("cpu 100 0 50 1000");

        Assert.Equal(new SystemCpuTimes(266.45, 0.07, 27.47, 256.41, 3.28, 1.06, 0.85), times);
        Assert.Equal(new SystemCpuTimes(1, 0, 0.5, 10, 0, 0, 0), oldKernel);
        Assert.Null(SystemCpuTimes.Parse("cpu0 1 2 3 4 5"));
        Assert.Null(SystemCpuTimes.Parse("cpu  1 two 3 4"));
    }
}
