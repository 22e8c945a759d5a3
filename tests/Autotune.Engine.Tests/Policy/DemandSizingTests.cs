using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Policy;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// Threads are sized from demand (arrivals x the uncontended service time), not from a collapse. Measured in the
/// demo: at 200 req/s offered the service completed nothing, its queue held 770-1,970 items per pod, and sizing on
/// the collapse's median and backlog asked for 2,943 threads and took four doublings; 200 req/s x 55 ms is 11.
/// </summary>
public sealed class DemandSizingTests
{
    private static readonly ApiTuningSpec Spec = Given.Spec() with
    {
        Objectives = new Objectives { P99LatencyMs = 200, MaxPoolWaitMs = 20, MaxQueueDepth = 20 },
        Knobs = Given.Spec().Knobs with { ThreadPoolMinThreads = new KnobBudget { Min = 2, Max = 256 } },
    };

    /// <summary>An uncontended window of the same API at 40 req/s: median 55 ms, nothing queued.</summary>
    private static ObservedWindow Calm() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 40,
        Requests = 2400,
        P50Ms = 55,
        P99Ms = 90,
        ShareUnderObjective = 1,
        QueueDepthMean = 0,
        QueueDepthMax = 0,
        PendingRequestsMean = 0,
        PoolUsage = 0.4,
        CpuUtilization = 0.05,
        ConnectionHoldMeanMs = 52,
        ThreadsFirst = 3,
        ThreadsLast = 3,
        AppliedMinThreads = 2,
    };

    /// <summary>The collapse: 200 req/s arrive, 3 complete (one connection use each), 1,500 work items wait, threads trickle 10 -> 12.</summary>
    private static ObservedWindow Collapse() => Calm() with
    {
        Rps = 3,
        ConnectionUsesPerSecond = 3,
        Requests = 180,
        P50Ms = 9000,
        P99Ms = 30000,
        ShareUnderObjective = 0,
        QueueDepthMean = 1500,
        QueueDepthMax = 1970,
        QueueDepthSlopePerSecond = 4,
        ActiveRequestsMean = 1400,
        ActiveRequestsSlopePerSecond = 197,
        ThreadsFirst = 10,
        ThreadsLast = 12,
        ThreadsMax = 12,
        CpuUtilization = 0.03,
        ScrapeLatencyMaxMs = 1500,
    };

    [Fact]
    public void The_uncontended_service_time_is_learned_from_calm_windows_and_kept_through_a_collapse()
    {
        var calm = Next(TuningState.Empty, Calm());
        var collapsed = Next(calm, Collapse());

        Assert.Equal(new ServiceBaseline(55, 52), calm.Baseline);
        Assert.Equal(calm.Baseline, collapsed.Baseline);
    }

    [Fact]
    public void A_slower_calm_window_moves_the_baseline_only_a_little_toward_it()
    {
        var state = Next(Next(TuningState.Empty, Calm()), Calm() with { P50Ms = 75 });

        Assert.Equal(57, state.Baseline!.ServiceMs, 6);
    }

    [Fact]
    public void A_collapse_is_sized_from_arrivals_and_the_uncontended_time_in_one_step()
    {
        var state = Next(TuningState.Empty, Calm());

        var d = TuningEngine.Decide(Given.Input(Collapse(), Spec, state, new Settings(1, 2, 13, 200)));

        // 3 completed + 197 more in flight each second = 200 arriving x 55 ms x 1.5 = 16.5 -> 17, in the same decision
        // as the pool (200 x 52 ms x 1.5 = 15.6 -> 16).
        Assert.Equal((Bottleneck.ThreadStarvation, DecisionReasons.RecoverFromCollapse), (d.Bottleneck, d.Reason));
        Assert.Equal((2, 17), d.Plan.Single(s => s.Knob == Knob.ThreadPoolMinThreads) is var t ? (t.From, t.To) : default);
        Assert.Equal((13, 16), d.Plan.Single(s => s.Knob == Knob.DbMaxPoolSize) is var p ? (p.From, p.To) : default);
        Assert.Contains("17 threads (200 rps arriving per pod x 55 ms uncontended service time", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_uncontended_window_the_collapse_is_sized_from_the_connection_hold_time()
    {
        var d = TuningEngine.Decide(Given.Input(Collapse(), Spec, TuningState.Empty, new Settings(1, 2, 13, 200)));

        // 200 arriving x 52 ms held x 1.5 = 15.6 -> 16: not Little's law on the collapse's 9 s median.
        Assert.Equal((2, 16), d.Plan.Single(s => s.Knob == Knob.ThreadPoolMinThreads) is var t ? (t.From, t.To) : default);
        Assert.Contains("52 ms connection hold time", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_of_a_few_requests_or_of_fast_errors_teaches_no_baseline()
    {
        // A handful of probes answered in half a millisecond, then a calm window of fail-fast 503s: neither is the API's
        // service time (measured in the demo: a baseline of 0.56 ms sized a collapse at 1 thread per pod).
        var probes = Next(TuningState.Empty, Calm() with { Rps = 0.2, Requests = 12, P50Ms = 0.56, P99Ms = 2, ConnectionHoldMeanMs = double.NaN });
        var shed = Next(TuningState.Empty, Calm() with { P50Ms = 0.56, ErrorRate = 0.4 });

        Assert.Null(probes.Baseline);
        Assert.Null(shed.Baseline);
    }

    [Fact]
    public void A_window_whose_median_is_of_shed_requests_is_sized_on_the_baseline()
    {
        // Half the completions are fail-fast 503s answered in 0.56 ms: the median is theirs, not a request's.
        var shedding = Collapse() with { P50Ms = 0.56, ErrorRate = 0.49 };

        Assert.Equal(0.055, LittleSizing.ServiceSeconds(shedding, new ServiceBaseline(55, 52)), 6);
        Assert.Equal(0.00056, LittleSizing.ServiceSeconds(shedding with { ErrorRate = 0 }, new ServiceBaseline(55, 52)), 6);
    }

    private static TuningState Next(TuningState state, ObservedWindow w)
    {
        var input = Given.Input(w, Spec, state, new Settings(1, 2, 13, 200));
        return TuningStateTransitions.Next(input, TuningEngine.Decide(input));
    }
}
