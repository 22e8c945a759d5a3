using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Policy;

/// <summary>
/// A knob above its knee that costs throughput comes back down. Measured case: a fast async API whose minimum threads
/// were raised to 144 with a pool of 10 served 0.7x the throughput at 2.2x the P99 of the runtime's default threads.
/// </summary>
public sealed class ComeBackDownTests
{
    private static readonly ServiceBaseline Uncontended = new(ServiceMs: 3, HoldMs: 1);

    /// <summary>One pod of a fast async API with 144 minimum threads: 10.5k req/s, CPU 95%, P99 5.7 ms against 250 ms.</summary>
    private static ObservedWindow AboveKnee() => Given.Healthy() with
    {
        Pods = 1,
        Rps = 10_500,
        Requests = 10_500 * 60,
        P50Ms = 4,
        P99Ms = 5.7,
        ShareUnderObjective = 1,
        ConnectionHoldMeanMs = 1.1,
        ConnectionUsesPerSecond = 10_500,
        PoolUsage = 0.9,
        ThreadsFirst = 144,
        ThreadsLast = 144,
        CpuUtilization = 0.95,
        ActiveRequestsMean = 64,
        ActiveRequestsSlopePerSecond = 0,
        AppliedMinThreads = 144,
    };

    private static Decision Decide(ObservedWindow w, Settings settings, TuningState? state = null) =>
        TuningEngine.Decide(Given.Input(w, state: state ?? TuningState.Empty with { Baseline = Uncontended }, settings: settings));

    [Fact]
    public void Threads_well_above_the_demand_with_cpu_saturated_come_down_a_bounded_step_before_a_replica_is_added()
    {
        // Demand: 10.5k rps x 3 ms x 1.5 = 48 threads; 144 is 3x that with CPU at 95%.
        var d = Decide(AboveKnee(), new Settings(2, 144, 10, 200));

        Assert.Equal(DecisionKind.Change, d.Kind);
        Assert.Equal(DecisionReasons.ComeBackDown, d.Reason);
        Assert.Equal((Knob.ThreadPoolMinThreads, 144, 72), (d.Knob, d.From, d.To));
        Assert.Contains("the 48 per pod the demand asks", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_step_stops_at_the_demand_when_that_is_within_half()
    {
        var d = Decide(AboveKnee() with { Rps = 12_000, Requests = 12_000 * 60 }, new Settings(2, 110, 10, 200));

        // Demand: 12k x 3 ms x 1.5 = 54; 110 >= 2 x 54, so down to 55 (half) at most, and 54 is below it.
        Assert.Equal(DecisionReasons.ComeBackDown, d.Reason);
        Assert.Equal(55, d.To);
    }

    [Fact]
    public void Without_a_cost_threads_above_the_demand_stay()
    {
        var d = Decide(AboveKnee() with { CpuUtilization = 0.7 }, new Settings(2, 144, 10, 200));

        Assert.NotEqual(DecisionReasons.ComeBackDown, d.Reason);
    }

    [Fact]
    public void Without_a_baseline_the_demand_is_unknown_and_nothing_comes_down_on_it()
    {
        var d = Decide(AboveKnee(), new Settings(2, 144, 10, 200), TuningState.Empty);

        Assert.NotEqual(DecisionReasons.ComeBackDown, d.Reason);
    }

    [Fact]
    public void A_pool_well_above_the_demand_with_connections_held_far_longer_than_uncontended_comes_down()
    {
        // The pool of 80 against 10.5k uses/s x 1 ms x 1.5 = 16, held 4 ms (4x): the pool comes down, not the 144
        // threads (also 3x their demand): with CPU at 50% they cost nothing, and fewer would only queue for the same connections.
        var w = AboveKnee() with { CpuUtilization = 0.5, ConnectionHoldMeanMs = 4, PoolUsage = 0.6, AppliedPoolSize = 80 };

        var d = TuningEngine.Decide(Given.Input(w, state: TuningState.Empty with { Baseline = Uncontended }, settings: new Settings(2, 144, 80, 1000),
            ledger: Given.Ledger(maxConnections: 1000)));

        Assert.Equal(DecisionReasons.ComeBackDown, d.Reason);
        Assert.Equal((Knob.DbMaxPoolSize, 80, 40), (d.Knob, d.From, d.To));
        Assert.Contains("the database contends", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("machine", 0.62, 0.008, double.NaN)]
    [InlineData("process", 0.9, 0.5, double.NaN)]
    [InlineData("cgroup", 0.62, 0.5, 0.85)]
    public void Connections_held_long_while_the_api_waits_for_a_core_are_no_reason_to_lower_the_pool(string shortOf, double cpu, double machineIdle, double cgroup)
    {
        // The proof's fast-async window at its knee: 7,043 uses/s on a pool of 10 held 0.76 ms, 2.85x the uncontended
        // 0.27 ms, demand 3. With the API short of CPU the holds are its own wait for a core: lowered to 5 it served 0.46x.
        var w = AboveKnee() with
        {
            Rps = 7_043,
            Requests = 7_043 * 8,
            P99Ms = 112,
            ConnectionUsesPerSecond = 7_043,
            ConnectionHoldMeanMs = 0.76,
            PoolUsage = 0.52,
            CpuUtilization = cpu,
            MachineCpuIdleShare = machineIdle,
            CgroupCpuUtilization = cgroup,
            AppliedPoolSize = 10,
            ThreadsFirst = 8,
            ThreadsLast = 8,
            AppliedMinThreads = 2,
        };
        var state = TuningState.Empty with { Baseline = new ServiceBaseline(ServiceMs: 0.5, HoldMs: 0.27) };
        var input = Given.Input(w, state: state, settings: new Settings(1, 2, 10, 200));

        Assert.NotEqual(DecisionReasons.ComeBackDown, TuningEngine.Decide(input).Reason);

        // With the CPU to spare, the same holds are the database's, and the pool comes down.
        var spare = w with { CpuUtilization = 0.5, MachineCpuIdleShare = 0.5, CgroupCpuUtilization = double.NaN };
        var d = TuningEngine.Decide(Given.Input(spare, state: state, settings: new Settings(1, 2, 10, 200)));
        Assert.True(d.Reason == DecisionReasons.ComeBackDown, $"{shortOf}: {d.Reason}: {d.Message}");
        Assert.Equal((Knob.DbMaxPoolSize, 10, 5), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void A_knob_above_the_value_that_served_best_at_similar_load_comes_back_toward_it()
    {
        // Closed loop, the same 64 callers: 18 threads served 15k, 72 serve 11.5k with CPU at 70% (no saturation).
        var known = new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Best = 18, BestRps = 15_000, BestInFlight = 64, LoadRps = 15_000, InFlight = 64 };
        var w = AboveKnee() with { Rps = 11_500, Requests = 11_500 * 60, CpuUtilization = 0.7, ThreadsFirst = 72, ThreadsLast = 72, AppliedMinThreads = 72 };

        var d = Decide(w, new Settings(2, 72, 10, 200), TuningState.Empty with { Knees = [known] });

        Assert.Equal(DecisionReasons.ComeBackDown, d.Reason);
        Assert.Equal((72, 36), (d.From, d.To));
        Assert.Contains("where 18 served 15000 with 64", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_loop_load_that_merely_fell_is_no_reason_to_come_back_down()
    {
        // 13% fewer requests arrive (similar load) and are served as fast as before: 56 in flight for 13k req/s.
        var known = new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Best = 18, BestRps = 15_000, BestInFlight = 64, LoadRps = 15_000, InFlight = 64 };
        var w = AboveKnee() with { Rps = 13_000, Requests = 13_000 * 60, ActiveRequestsMean = 64 * 13.0 / 15, CpuUtilization = 0.7, ThreadsFirst = 72, ThreadsLast = 72, AppliedMinThreads = 72 };

        var d = Decide(w, new Settings(2, 72, 10, 200), TuningState.Empty with { Knees = [known] });

        Assert.NotEqual(DecisionReasons.ComeBackDown, d.Reason);
    }

    [Fact]
    public void Never_down_to_a_floor_a_lowering_was_judged_worse_at()
    {
        var known = new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Floor = 100, LoadRps = 10_500, InFlight = 64 };

        var d = Decide(AboveKnee(), new Settings(2, 144, 10, 200), TuningState.Empty with { Baseline = Uncontended, Knees = [known] });

        Assert.Equal(DecisionReasons.ComeBackDown, d.Reason);
        Assert.Equal(101, d.To);
    }

    [Fact]
    public void A_lowering_judged_worse_is_rolled_back_and_its_value_becomes_the_floor()
    {
        var before = AboveKnee();
        var state = Given.Confirmed(TuningState.Empty with { Baseline = Uncontended }, Knob.ThreadPoolMinThreads, 144, 72, DecisionReasons.ComeBackDown, before);
        var worse = before with { Rps = 9_000, Requests = 9_000 * 60, P99Ms = 7, AppliedGenerationMin = 5, AppliedMinThreads = 72 };
        var input = Given.Input(worse, state: state, settings: new Settings(2, 72, 10, 200));

        var d = TuningEngine.Decide(input);
        var next = TuningStateTransitions.Next(input, d, expectedGeneration: 6);

        Assert.Equal(DecisionKind.Rollback, d.Kind);
        Assert.Equal((72, 144), (d.From, d.To));
        Assert.Equal(72, Assert.Single(next.Knees).Floor);
        Assert.Contains(next.Barred, b => b is { Knob: Knob.ThreadPoolMinThreads, Direction: Direction.Down });
    }

    [Fact]
    public void Over_three_hours_above_the_knee_threads_come_down_and_change_direction_at_most_once()
    {
        // A fast async API under 64 closed-loop callers: up to 36 threads serve 15k req/s at 45% CPU; beyond, each
        // thread costs throughput and CPU (context switches) up to 0.7x and 95% at 144 threads. Once down, the service
        // is comfortable and the give-back policy takes its turn: neither may undo the other.
        var (moves, first, last) = Run(AsyncKneeModel, new Settings(1, 144, 10, 200), minutes: 180);

        foreach (var knob in moves.Select(m => m.Knob).Distinct())
        {
            var ofKnob = moves.Where(m => m.Knob == knob).ToList();
            var reversals = ofKnob.Zip(ofKnob.Skip(1)).Count(p => p.First.Up != p.Second.Up);
            Assert.True(reversals <= 1, $"{knob} reversed {reversals} times:\n" + string.Join("\n", moves.Select(m => m.Message)));
        }

        var threads = moves.Where(m => m.Knob == Knob.ThreadPoolMinThreads).ToList();
        Assert.Contains(threads, m => !m.Up);
        Assert.True(last.Rps > first.Rps * 1.2, $"served {first.Rps} -> {last.Rps}:\n{string.Join("\n", moves.Select(m => m.Message))}");
        Assert.True(last.AppliedMinThreads <= 72, string.Join("\n", moves.Select(m => m.Message)));
    }

    /// <summary>The windows of the knee model: what 64 closed-loop callers see at the given minimum threads.</summary>
    private static ObservedWindow AsyncKneeModel(Settings s, DateTimeOffset end, long generation)
    {
        var t = s.ThreadPoolMinThreads ?? 2;
        var excess = Math.Clamp((t - 36) / 108.0, 0, 1);
        var rps = 15_000 * (1 - (0.3 * excess));
        return Given.Healthy(end) with
        {
            Pods = 1,
            Rps = rps,
            Requests = rps * 60,
            P50Ms = 64 / rps * 1000,
            P99Ms = 2.6 * (1 + (1.2 * excess)),
            ShareUnderObjective = 1,
            ConnectionHoldMeanMs = 0.5,
            ConnectionUsesPerSecond = rps,
            PoolUsage = 0.5,
            ThreadsFirst = Math.Max(t, 20),
            ThreadsLast = Math.Max(t, 20),
            CpuUtilization = 0.45 + (0.5 * excess),
            ActiveRequestsMean = 64,
            ActiveRequestsSlopePerSecond = 0,
            AppliedGenerationMin = generation,
            AppliedMinThreads = s.ThreadPoolMinThreads,
            AppliedPoolSize = s.DbMaxPoolSize,
        };
    }

    private static (List<(Knob Knob, bool Up, string Message)> Moves, ObservedWindow First, ObservedWindow Last) Run(
        Func<Settings, DateTimeOffset, long, ObservedWindow> observe, Settings initial, int minutes)
    {
        var spec = Given.OnePodSpec(poolMax: 80, threadsMax: 256, p99LatencyMs: 250);
        var current = initial;
        var state = TuningState.Empty with { Baseline = new ServiceBaseline(ServiceMs: 3, HoldMs: 0.5) };
        var generation = 1L;
        var moves = new List<(Knob, bool, string)>();
        ObservedWindow? first = null, last = null;
        for (var i = 0; i < minutes; i++)
        {
            var now = Given.Now.AddMinutes(i);
            var window = observe(current, now, generation);
            first ??= window;
            last = window;
            var input = new DecisionInput { ApiId = Given.Api, Spec = spec, Window = window, Current = current, State = state, Now = now };
            var d = TuningEngine.Decide(input);
            long? expected = null;
            if (d.IsAction && d is { Knob: { } knob, From: { } from, To: { } to })
            {
                expected = knob is Knob.ThreadPoolMinThreads or Knob.DbMaxPoolSize ? ++generation : null;
                current = current.With(knob, to);
                moves.Add((knob, to > from, $"{i} min: {d.Message}"));
            }

            state = TuningStateTransitions.Next(input, d, expected);
        }

        return (moves, first!, last!);
    }
}
