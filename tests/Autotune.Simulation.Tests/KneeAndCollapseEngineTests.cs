using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Tests;

/// <summary>The engine on issue 16's two failures: a collapse under continued load, and a busy async API with knees.</summary>
public sealed class KneeAndCollapseEngineTests
{
    private const string WaitsForComeBackDown =
        "waits for the engine's come-back-down rule (issue 16): today busy-async-over-provisioned keeps 144 minimum threads and misses all 60 minutes";

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

    [Fact(Skip = "waits for sizing from demand in one decision (issue 16): today the demo first meets the objective in minute 17, after 5 changes")]
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

    [Fact(Skip = WaitsForComeBackDown)]
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
