using Autotune.Simulation.Control;
using Autotune.Simulation.Metrics;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Tests;

public sealed class DeterminismTests
{
    [Fact]
    public void Same_seed_gives_the_same_minutes_and_the_same_metrics_text()
    {
        var scenario = ScenarioCatalog.Get("tiny-pool") with { DurationSeconds = 300 };
        var a = ScenarioRunner.Run(scenario, new CpuAutoscalerController(), seed: 42);
        var b = ScenarioRunner.Run(scenario, new CpuAutoscalerController(), seed: 42);

        Assert.Equal(a.Minutes[0], b.Minutes[0]);
        Assert.Equal(a.Changes, b.Changes);

        var worldA = scenario.Build(9);
        var worldB = scenario.Build(9);
        worldA.RunUntil(120);
        worldB.RunUntil(120);
        Assert.Equal(PrometheusTextWriter.Render(worldA.Apis[0].Pods[0]), PrometheusTextWriter.Render(worldB.Apis[0].Pods[0]));
    }

    [Fact]
    public void A_different_seed_gives_different_traffic()
    {
        var scenario = ScenarioCatalog.Get("tiny-pool") with { DurationSeconds = 180 };
        var a = ScenarioRunner.Run(scenario, new StaticController("static"), seed: 1);
        var b = ScenarioRunner.Run(scenario, new StaticController("static"), seed: 2);

        Assert.NotEqual(a.Minutes[0].Select(m => m.OfferedRps), b.Minutes[0].Select(m => m.OfferedRps));
    }
}
