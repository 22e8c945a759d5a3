using Autotune.Engine.Decisions;
using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Tests;

/// <summary>The engine on issue 16's two failures: a collapse under continued load, and a busy async API with knees.</summary>
public sealed class KneeAndCollapseEngineTests
{
    [Fact]
    public void Engine_recovers_the_collapsed_demo_on_its_running_process_under_continued_load()
    {
        var scenario = CollapseScenarios.DemoCollapse() with { DurationSeconds = 1500 };

        var result = ScenarioRunner.Run(scenario, new EngineController());

        // Sync-over-async: the backlog feeds itself, so nothing is served until the queue is shed (the tuning file
        // written on the backlog turns the agent's shedding on) and the pool and max_connections suffice.
        var minutes = result.Minutes[0];
        Assert.All(minutes.Take(3), m => Assert.False(m.Met, $"minute {m.Minute} met: the demo must collapse before it is tuned"));
        Assert.Contains(result.Changes, c => c.Knob == Knob.DbMaxPoolSize && c.To >= 12);
        Assert.All(minutes.TakeLast(5), m => Assert.True(m.Met, $"minute {m.Minute}: p99 {m.P99Ms:0} ms, errors {m.ErrorRate:P1}"));
        Assert.All(minutes, m => Assert.Equal(1, m.Replicas));
    }

    [Fact(Skip = "waits for sizing from demand in one decision (issue 16): the first decision comes at 180 s (minute 3), threads 2 -> 18 on the collapse's numbers, then max_connections 20 -> 30 -> 41 and the pool 4 -> 12 -> 15; the objective is first met in minute 17, 17 minutes over in 20, 6 changes. The windows at 60 s and 120 s complete 5 and 3 requests (TooLittleTraffic), and minute 2 met would contradict the test above, which asserts minutes 0-2 are missed")]
    public void Engine_recovers_the_collapsed_demo_within_a_window_of_the_first_that_sees_it()
    {
        var scenario = CollapseScenarios.DemoCollapse() with { DurationSeconds = 1200 };

        var result = ScenarioRunner.Run(scenario, new EngineController());

        Assert.True(result.Minutes[0].Skip(2).All(m => m.Met), $"over {result.MinutesOver} min");
    }

    [Fact]
    public void Engine_leaves_the_busy_async_api_at_its_knee()
    {
        var scenario = KneeScenarios.BusyAsyncFromDefaults() with { DurationSeconds = 1800 };

        var result = ScenarioRunner.Run(scenario, new EngineController());

        Assert.Equal(0, result.MinutesOver);
        Assert.DoesNotContain(result.Changes, c => c.Knob == Knob.ThreadPoolMinThreads && c.To > 24);
    }

    [Fact]
    public void Engine_brings_the_over_provisioned_busy_async_api_threads_back_to_their_knee()
    {
        var scenario = KneeScenarios.BusyAsyncOverProvisioned();
        var engine = new EngineController();

        var result = ScenarioRunner.Run(scenario, engine);

        // Saturated from its first window, the API never shows an uncontended baseline: threads are sized from the CPU
        // each request takes, and every lowering is kept (none rolled back, no raise after).
        var last = result.Minutes[0][^1];
        Assert.True(last.MinThreads <= 24, $"min threads at the end {last.MinThreads}");
        Assert.DoesNotContain(engine.Decisions, d => d.Decision.Reason == DecisionReasons.Rollback);
        Assert.DoesNotContain(result.Changes, c => c.Knob == Knob.ThreadPoolMinThreads && c.To > c.From);
        Assert.True(result.Minutes[0].TakeLast(RunResult.SteadyMinutes).All(m => m.Met), $"over {result.MinutesOver} min");
        Assert.True(result.MinutesOver <= 10, $"over {result.MinutesOver} min");
    }

    [Fact]
    public void Engine_brings_the_over_provisioned_busy_async_api_back_to_its_knees()
    {
        var scenario = KneeScenarios.BusyAsyncOverProvisioned();

        var result = ScenarioRunner.Run(scenario, new EngineController());

        var last = result.Minutes[0][^1];
        Assert.True(last.MinThreads <= 24, $"min threads at the end {last.MinThreads}");
        Assert.True(last.PoolSize <= 16, $"pool at the end {last.PoolSize}");
        Assert.True(result.Minutes[0].TakeLast(RunResult.SteadyMinutes).Count(m => !m.Met) <= 1, $"over {result.MinutesOver} min");
        Assert.True(result.MinutesOver <= 10, $"over {result.MinutesOver} min");
    }
}
