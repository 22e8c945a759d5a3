using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Diagnosis;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Diagnosis;

/// <summary>
/// A blocking path that meets its objective on threads the runtime injected keeps them as its minimum: a lull retires
/// idle threads, and the next burst waits for injection. Measured in the demo: recovered at 200 req/s on 6 minimum
/// threads and the threads injected during the collapse; after a lull the same process missed at 150 req/s.
/// </summary>
public sealed class HeldThreadsTests
{
    private static readonly ApiTuningSpec Spec = Given.OnePodSpec(poolMax: 200, poolMin: 5, threadsMax: 256);

    /// <summary>
    /// The demo after recovery: 200 req/s at a 52 ms median, CPU 8%, 16 threads kept, minimum 6, nothing queued for a
    /// thread at any scrape (so no rule that needs queued work sees a shortage).
    /// </summary>
    private static ObservedWindow Recovered() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 200,
        Requests = 12_000,
        P50Ms = 52,
        P99Ms = 60,
        ShareUnderObjective = 1,
        PoolWaitP99Ms = 0,
        PoolUsage = 0.83,
        ConnectionHoldMeanMs = 50,
        ConnectionUsesPerSecond = 200,
        QueueDepthMean = 0,
        QueueDepthMax = 0,
        ActiveRequestsMean = 10.4,
        ActiveRequestsMax = 14,
        ThreadsFirst = 16,
        ThreadsLast = 16,
        ThreadsMean = 16,
        CpuUtilization = 0.08,
        AppliedMinThreads = 6,
        AppliedPoolSize = 12,
    };

    private static Decision Decide(ObservedWindow w, int minThreads) =>
        TuningEngine.Decide(Given.Input(w, Spec, TuningState.Empty, new Settings(1, minThreads, 12, 200)));

    [Fact]
    public void A_blocking_path_within_its_objective_on_injected_threads_raises_its_minimum_to_what_the_load_holds()
    {
        var d = Decide(Recovered(), minThreads: 6);

        // Little's law on the busiest scrape: 14 requests in flight (more than 200 rps x 52 ms = 10.4), x 1.5 = 21.
        Assert.Equal((Bottleneck.ThreadStarvation, DecisionReasons.RaiseMinThreads, Knob.ThreadPoolMinThreads, 6, 21), (d.Bottleneck, d.Reason, d.Knob, d.From, d.To));
        Assert.Contains("(Little's law asks for 21)", d.Message, StringComparison.Ordinal);
        Assert.True(d.Message.Contains("on 16 threads the runtime injected past the minimum 6", StringComparison.Ordinal), d.Message);
    }

    [Fact]
    public void A_minimum_that_already_covers_the_threads_the_load_holds_stays()
    {
        var d = Decide(Recovered(), minThreads: 21);

        Assert.NotEqual(DecisionReasons.RaiseMinThreads, d.Reason);
    }

    [Fact]
    public void An_async_app_whose_requests_hold_no_thread_is_not_raised()
    {
        // 3,000 rps at a 2 ms median: 6 requests in flight, 9 with headroom, on 4 threads with CPU room.
        var async = Recovered() with { Rps = 3_000, Requests = 180_000, P50Ms = 2, P99Ms = 9, ActiveRequestsMean = 6, ActiveRequestsMax = 6, ThreadsFirst = 4, ThreadsLast = 4, ThreadsMean = 4, CpuUtilization = 0.4 };

        Assert.Null(StarvationSignal.HoldsThreadsPastMinimum(async, 2, 200));
        Assert.NotEqual(DecisionReasons.RaiseMinThreads, Decide(async, minThreads: 2).Reason);
    }

    [Fact]
    public void A_backlog_still_draining_is_not_read_as_the_threads_the_load_holds()
    {
        // Just after a collapse: 67 threads, P99 167 ms of a 200 ms objective while the backlog drains.
        Assert.Null(StarvationSignal.HoldsThreadsPastMinimum(Recovered() with { P99Ms = 167, ThreadsMean = 67, ThreadsLast = 67, ActiveRequestsMax = 40 }, 17, 200));
    }

    [Fact]
    public void A_busy_cpu_keeps_the_minimum_where_it_is()
    {
        Assert.Null(StarvationSignal.HoldsThreadsPastMinimum(Recovered() with { CpuUtilization = 0.9 }, 6, 200));
    }
}
