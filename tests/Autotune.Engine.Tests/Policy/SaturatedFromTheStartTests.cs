using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Guardrails;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// An API saturated from its first window shows no uncontended baseline. Measured case (busy-async-over-provisioned in
/// the simulator): one pod of 2 cores at 12,000 req/s, 144 minimum threads, CPU 100%, P99 at the 30 s cap all hour.
/// </summary>
public sealed class SaturatedFromTheStartTests
{
    /// <summary>One pod of 2 cores, 144 threads, CPU 99.5%, completing 9,534 of about 12,000 req/s arriving.</summary>
    private static ObservedWindow Saturated(double cpu = 0.995) => Given.Healthy() with
    {
        Pods = 1,
        Rps = 9_534,
        Requests = 9_534 * 60,
        P50Ms = 15_000,
        P99Ms = 29_403,
        ShareUnderObjective = 0.093,
        ConnectionHoldMeanMs = 0.32,
        ConnectionUsesPerSecond = 9_534,
        PoolUsage = 0.04,
        QueueDepthMean = 70_000,
        QueueDepthMax = 140_000,
        QueueDepthSlopePerSecond = 2_526,
        ThreadsFirst = 144,
        ThreadsLast = 144,
        CpuUtilization = cpu,
        AppliedMinThreads = 144,
        AppliedPoolSize = 10,
        PerPod = [new PodObservation { Pod = "api-0", CpuUtilization = cpu, CpuCores = 2 }],
    };

    private static Decision Decide(ObservedWindow w)
    {
        var spec = Given.Spec();
        spec = spec with { Knobs = spec.Knobs with { Replicas = new KnobBudget { Min = 1, Max = 1 } } };
        return TuningEngine.Decide(Given.Input(w, spec, TuningState.Empty, new Settings(1, 144, 10, 200)));
    }

    [Fact]
    public void Without_a_baseline_threads_on_a_saturated_cpu_are_sized_from_the_cpu_each_request_takes()
    {
        // 2 cores x 99.5% / 9,534 completions = 0.21 ms each; 12,060 arriving x 0.21 ms x 1.5 = 4 threads; 144 halves.
        var d = Decide(Saturated());

        Assert.True(d.Reason == DecisionReasons.ComeBackDown, d.Message);
        Assert.Equal((Knob.ThreadPoolMinThreads, 144, 72), (d.Knob, d.From, d.To));
        Assert.Contains("the 4 per pod the demand asks", d.Message, StringComparison.Ordinal);
        Assert.Contains("0.21 ms of CPU each request took", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_baseline_threads_on_a_cpu_with_room_stay()
    {
        var d = Decide(Saturated(cpu: 0.7));

        Assert.NotEqual(DecisionReasons.ComeBackDown, d.Reason);
    }

    [Fact]
    public void A_move_made_while_the_queue_filled_is_kept_when_it_completes_more()
    {
        // Minute 0 kept 9.3% under the objective only because its queue started empty; the window after 144 -> 72
        // kept 8.2% but completed 12,007 req/s where minute 0 completed 9,534, with P99 125 ms for 29.4 s.
        var before = WindowSummary.Of(Saturated()) with { ArrivalRps = 12_061 };
        var after = Saturated() with { Rps = 12_007, Requests = 12_007 * 60, P99Ms = 125, ShareUnderObjective = 0.082 };

        Assert.True(RegressionCheck.Filling(before));
        Assert.Null(RegressionCheck.Regressed(before, after, Given.Spec().Objectives, gaveBackCapacity: false));
    }

    [Fact]
    public void A_move_made_while_the_queue_filled_regresses_when_it_completes_fewer()
    {
        var before = WindowSummary.Of(Saturated()) with { ArrivalRps = 12_061 };
        var after = Saturated() with { Rps = 8_500, Requests = 8_500 * 60, ActiveRequestsSlopePerSecond = 3_000 };

        var why = RegressionCheck.Regressed(before, after, Given.Spec().Objectives, gaveBackCapacity: false);

        Assert.StartsWith("goodput (requests answered without an error) fell 9534 -> 8500 rps while requests queued", why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_that_completed_what_arrived_is_not_filling()
    {
        Assert.False(RegressionCheck.Filling(WindowSummary.Of(Given.Healthy())));
    }
}
