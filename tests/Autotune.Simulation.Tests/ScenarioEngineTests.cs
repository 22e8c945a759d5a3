using Autotune.Simulation.Control;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Tests;

public sealed class ScenarioEngineTests
{
    public static TheoryData<string> Scenarios => [.. ScenarioCatalog.All.Select(s => s.Name)];

    [Fact]
    public void The_catalog_has_at_least_twelve_distinct_scenarios_each_with_a_spec_per_api()
    {
        Assert.True(ScenarioCatalog.All.Count >= 12);
        Assert.Equal(ScenarioCatalog.All.Count, ScenarioCatalog.All.Select(s => s.Name).Distinct().Count());
        Assert.All(ScenarioCatalog.All, s => Assert.Equal(s.Apis.Count, s.Specs.Count));
    }

    [Fact]
    public void Every_scenario_runs_specs_a_user_could_apply()
    {
        var refused = ScenarioCatalog.All
            .SelectMany(s => s.Specs.Select(spec => (s.Name, Result: Autotune.Engine.Resource.Validation.SpecValidator.Validate(spec))))
            .Where(r => !r.Result.IsValid)
            .Select(r => $"{r.Name}: {string.Join("; ", r.Result.Problems)}")
            .ToList();

        Assert.True(refused.Count == 0, string.Join("\n", refused));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Engine_runs_every_scenario_without_a_budget_violation(string name)
    {
        // Twenty simulated minutes keep the suite fast; the full hour runs in bench/results/engine.md.
        var scenario = ScenarioCatalog.Get(name) with { DurationSeconds = 1200 };
        var engine = new EngineController();

        var result = ScenarioRunner.Run(scenario, engine);

        Assert.Equal(20, result.MinuteCount);
        Assert.NotEmpty(engine.Decisions);
        Assert.All(result.Changes, c => Assert.False(c.Violation, $"{c.Knob} {c.From} -> {c.To}: {c.Reason}"));
    }

    [Fact]
    public void The_budget_check_counts_a_change_that_breaks_the_connection_budget()
    {
        var scenario = ScenarioCatalog.Get("tiny-pool") with { DurationSeconds = 120 };

        var result = ScenarioRunner.Run(scenario, new StaticController("too big", [(Engine.Resource.Spec.Knob.DbMaxPoolSize, 60)]));

        var change = Assert.Single(result.Changes);
        Assert.True(change.Violation, "3 x 60 + 14 reserved > max_connections 100");
        Assert.Equal(1, result.Violations);
    }
}
