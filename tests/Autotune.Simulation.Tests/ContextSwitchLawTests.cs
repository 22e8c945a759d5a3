using Autotune.Simulation.Calibration;
using Autotune.Simulation.Model;

namespace Autotune.Simulation.Tests;

public sealed class ContextSwitchLawTests
{

    [Fact]
    public void Many_minimum_threads_on_a_saturated_async_app_serve_0_7x_the_default_as_measured()
    {
        // Issue 16's measurement: 144 minimum threads with pool 10 served 0.7x the runtime default's throughput on 2 cores.
        var byDefault = ThreadCalibration.SaturatedThroughput(minThreads: 2);
        var many = ThreadCalibration.SaturatedThroughput(minThreads: 144);
        var free = ThreadCalibration.SaturatedThroughput(minThreads: 144, pod: ThreadCalibration.Pod with { ContextSwitchCpuMs = 0 });

        Assert.InRange(byDefault, 10_000, 15_000);
        Assert.InRange(many / byDefault, ThreadCalibration.MeasuredRatio - 0.03, ThreadCalibration.MeasuredRatio + 0.03);
        Assert.True(free > 0.95 * byDefault, $"without the cost 144 threads serve {free:0} req/s against {byDefault:0}: the harm is the cost's");
    }

    [Fact]
    public void Throughput_falls_as_minimum_threads_rise_past_the_cores_under_saturation()
    {
        var served = new[] { 2, 32, 64, 256 }.Select(t => ThreadCalibration.SaturatedThroughput(t, seconds: 30)).ToList();

        Assert.All(served.Zip(served.Skip(1)), pair => Assert.True(pair.Second < pair.First, $"served {string.Join(", ", served.Select(s => s.ToString("0")))}"));
    }

    [Fact]
    public void Spare_minimum_threads_cost_nothing_while_the_cores_keep_up()
    {
        // Below saturation no work waits, so no more threads run than requests on the CPU.
        var world = World.One(ThreadCalibration.FastAsync, rps: 6_000, minThreads: 144);
        World.Run(world, 30);
        var pod = world.Apis[0].Pods[0];

        Assert.True(pod.ContextSwitchFactor < 1.02, $"factor {pod.ContextSwitchFactor}");
        Assert.InRange(pod.CpuUtilization, 0.4, 0.5);
    }

    [Fact]
    public void The_lost_cpu_grows_linearly_with_runnable_threads_per_core_past_the_cores()
    {
        var options = new PodOptions { Cores = 2, ContextSwitchCpuMs = 0.001 };

        Assert.Equal(0, SimulatedPod.ContextSwitchCpuMsAt(options, 2));
        Assert.Equal(0.001 * 71, SimulatedPod.ContextSwitchCpuMsAt(options, 144), 9);
        Assert.Equal(0.001 * 71 / 2, SimulatedPod.ContextSwitchCpuMsAt(options with { Cores = 4 }, 146), 9);
    }

    [Fact]
    public void A_long_cpu_bound_request_barely_notices_a_raised_minimum()
    {
        // Switches cost time, not a share: 16 threads on 8 ms requests lose well under 1%, on 150 us requests several %.
        var slow = new WorkloadProfile { CpuMs = 8, QueriesPerRequest = 0 };
        var world = World.One(slow, rps: 400, minThreads: 16);
        World.Run(world, 30);

        Assert.InRange(world.Apis[0].Pods[0].ContextSwitchFactor, 1, 1.005);
    }
}
