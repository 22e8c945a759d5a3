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
        Assert.False(minutes[0].Met, $"minute 0 met (p99 {minutes[0].P99Ms:0} ms): the demo must collapse before it is tuned");
        Assert.Contains(result.Changes, c => c.Knob == Knob.DbMaxPoolSize && c.To >= 12);
        Assert.All(minutes.TakeLast(5), m => Assert.True(m.Met, $"minute {m.Minute}: p99 {m.P99Ms:0} ms, errors {m.ErrorRate:P1}"));
        Assert.All(minutes, m => Assert.Equal(1, m.Replicas));
    }

    [Fact]
    public void Engine_recovers_the_collapsed_demo_within_a_window_of_the_first_that_sees_it()
    {
        var scenario = CollapseScenarios.DemoCollapse() with { DurationSeconds = 1200 };
        var engine = new EngineController();

        var result = ScenarioRunner.Run(scenario, engine);

        // The first window that sees the collapse ends with the first minute missed; one window (60 s) after it, and
        // one minute more for the shed backlog to be counted and gone, the objective holds, and in every minute after.
        var minutes = result.Minutes[0].ToList();
        var firstMissed = minutes.FindIndex(m => !m.Met);
        Assert.True(firstMissed >= 0, "the demo never collapsed");
        var recovered = firstMissed + 2;
        Assert.All(minutes.Skip(recovered), m => Assert.True(m.Met, $"minute {m.Minute} missed: p99 {m.P99Ms:0} ms, errors {m.ErrorRate:P1}"));

        // One decision reached settings that hold: threads, pool and max_connections moved together, not one per window.
        var actions = engine.Decisions.Where(d => d.Decision.IsAction && d.Decision.Time <= EngineController.At(recovered * 60.0)).ToList();
        var recovery = Assert.Single(actions).Decision;
        Assert.Equal(DecisionReasons.RecoverFromCollapse, recovery.Reason);
        Assert.Equal([Knob.ThreadPoolMinThreads, Knob.PostgresMaxConnections, Knob.DbMaxPoolSize], recovery.Plan.Select(s => s.Knob));
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
