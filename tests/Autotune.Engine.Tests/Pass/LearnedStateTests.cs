using System.Text.Json;
using System.Text.Json.Serialization;
using Autotune.Engine.Decisions;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Decisions.Pass;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Tests.Decisions;
using Xunit;

namespace Autotune.Engine.Tests.Pass;

/// <summary>What the engine learned (the uncontended baseline, each knob's knee, the moves barred after a rollback) survives an operator restart through status.</summary>
public sealed class LearnedStateTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly TuningState Learned = TuningState.Empty with
    {
        Baseline = new ServiceBaseline(ServiceMs: 3.5, HoldMs: double.NaN),
        Knees =
        [
            new KnobKnee { Knob = Knob.ThreadPoolMinThreads, Knee = 144, Best = 18, BestRps = 15_000, BestInFlight = 60, LoadRps = 15_000, InFlight = 64, LearnedAt = Given.Now },
            new KnobKnee { Knob = Knob.DbMaxPoolSize, Floor = 4, LoadRps = 900 },
        ],
    };

    [Fact]
    public void The_baseline_and_knees_written_to_status_come_back_after_a_restart()
    {
        var status = new ApiTuningStatus { Learned = LearnedState.ToStatus(Learned) };
        var json = JsonSerializer.Serialize(status, Json);

        var resumed = StatusResume.From(JsonSerializer.Deserialize<ApiTuningStatus>(json, Json), deliveredGeneration: 3);

        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
        Assert.Equal(3.5, resumed.Baseline!.ServiceMs);
        Assert.True(double.IsNaN(resumed.Baseline.HoldMs));
        Assert.Equal(2, resumed.Knees.Count);
        var threads = resumed.Knees.Single(k => k.Knob == Knob.ThreadPoolMinThreads);
        Assert.Equal((144, 18, 15_000d, 60d, 15_000d, 64d, Given.Now), (threads.Knee, threads.Best, threads.BestRps, threads.BestInFlight, threads.LoadRps, threads.InFlight, threads.LearnedAt));
        var pool = resumed.Knees.Single(k => k.Knob == Knob.DbMaxPoolSize);
        Assert.Equal(4, pool.Floor);
        Assert.True(double.IsNaN(pool.InFlight));
    }

    [Fact]
    public void A_knee_resumed_from_status_still_stops_a_raise()
    {
        var resumed = StatusResume.From(new ApiTuningStatus { Learned = LearnedState.ToStatus(Learned) }, deliveredGeneration: 3);
        var starving = Given.Healthy() with
        {
            Pods = 1,
            Rps = 15_000,
            Requests = 15_000 * 60,
            P50Ms = 300,
            P99Ms = 900,
            ShareUnderObjective = 0.8,
            QueueDepthMean = 80,
            QueueDepthMax = 120,
            QueueDepthSlopePerSecond = 1,
            ThreadsFirst = 100,
            ThreadsLast = 101,
            CpuUtilization = 0.2,
            WorkItemsPerSecond = 400,
            AppliedMinThreads = 100,
        };

        var d = TuningEngine.Decide(Given.Input(starving, state: resumed, settings: new Settings(1, 100, 10, 200)));

        Assert.Equal((Knob.ThreadPoolMinThreads, 100, 143), (d.Knob, d.From, d.To));
    }

    [Fact]
    public void Nothing_learned_writes_nothing_and_resumes_nothing()
    {
        Assert.Null(LearnedState.ToStatus(TuningState.Empty));
        var resumed = StatusResume.From(new ApiTuningStatus(), deliveredGeneration: null);
        Assert.Null(resumed.Baseline);
        Assert.Empty(resumed.Knees);
    }

    private static readonly BarredMove PoolRaiseBarred = new(Knob.DbMaxPoolSize, Direction.Up, Given.Now.AddMinutes(40), "Rolled back Npgsql pool 20 -> 10: p99 rose 8 ms -> 40 ms");

    [Fact]
    public void A_barred_move_written_to_status_comes_back_after_a_restart()
    {
        var state = TuningState.Empty with
        {
            Barred = [PoolRaiseBarred, PoolRaiseBarred with { Until = Given.Now.AddMinutes(10) }, new BarredMove(Knob.ThreadPoolMinThreads, Direction.Down, Given.Now.AddMinutes(5), "lowering threads")],
        };
        var json = JsonSerializer.Serialize(new ApiTuningStatus { Learned = LearnedState.ToStatus(state) }, Json);

        var resumed = StatusResume.From(JsonSerializer.Deserialize<ApiTuningStatus>(json, Json), deliveredGeneration: 3, now: Given.Now);

        Assert.Contains("\"direction\":\"Up\"", json, StringComparison.Ordinal);
        Assert.Equal(2, resumed.Barred.Count);
        Assert.Equal(PoolRaiseBarred, resumed.Barred.Single(b => b.Knob == Knob.DbMaxPoolSize));
        Assert.Equal((Direction.Down, Given.Now.AddMinutes(5)), resumed.Barred.Single(b => b.Knob == Knob.ThreadPoolMinThreads) is var t ? (t.Direction, t.Until) : default);
    }

    [Fact]
    public void A_restarted_engine_does_not_retry_a_barred_move_before_its_bar_expires()
    {
        var status = new ApiTuningStatus { Learned = LearnedState.ToStatus(TuningState.Empty with { Barred = [PoolRaiseBarred] }) };
        var exhausted = Given.PoolExhausted();

        var resumed = StatusResume.From(status, deliveredGeneration: 3, now: Given.Now);
        var barred = TuningEngine.Decide(Given.Input(exhausted, state: resumed));
        var forgotten = TuningEngine.Decide(Given.Input(exhausted, state: StatusResume.From(new ApiTuningStatus(), deliveredGeneration: 3, now: Given.Now)));

        Assert.Equal(DecisionReasons.MoveBarred, barred.Reason);
        Assert.Contains("barred for 40 more min", barred.Message, StringComparison.Ordinal);
        Assert.Equal((DecisionReasons.RaisePool, Knob.DbMaxPoolSize), (forgotten.Reason, forgotten.Knob));
    }

    [Fact]
    public void An_expired_bar_is_dropped_when_the_state_is_rebuilt()
    {
        var status = new ApiTuningStatus { Learned = LearnedState.ToStatus(TuningState.Empty with { Barred = [PoolRaiseBarred] }) };
        var later = Given.Now.AddMinutes(41);

        var resumed = StatusResume.From(status, deliveredGeneration: 3, now: later);
        var d = TuningEngine.Decide(Given.Input(Given.PoolExhausted() with { Start = later.AddSeconds(-60), End = later }, state: resumed, now: later));

        Assert.Empty(resumed.Barred);
        Assert.Equal(DecisionReasons.RaisePool, d.Reason);
    }
}
