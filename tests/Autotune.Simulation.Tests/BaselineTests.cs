using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Model;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Tests;

public sealed class BaselineTests
{
    [Fact]
    public void Cpu_autoscaler_scales_out_a_cpu_bound_service_and_keeps_its_replicas_for_the_stabilisation_window()
    {
        var scenario = ScenarioCatalog.Get("cpu-bound") with { DurationSeconds = 600 };

        var result = ScenarioRunner.Run(scenario, new CpuAutoscalerController());

        var ups = result.Changes.Where(c => c.Knob == Knob.Replicas && c.To > c.From).ToList();
        Assert.NotEmpty(ups);
        Assert.All(ups, c => Assert.True(c.To <= Math.Max(2 * c.From, c.From + 4), $"{c.From} -> {c.To} exceeds max(100%, 4 pods)"));
        Assert.DoesNotContain(result.Changes, c => c.To < c.From && c.Time < 300);
        Assert.True(result.Minutes[0][^1].Met);
    }

    [Fact]
    public void Formula_baseline_sets_pool_to_twice_the_cores_plus_one()
    {
        var scenario = ScenarioCatalog.Get("tiny-pool") with { DurationSeconds = 60 };

        var result = ScenarioRunner.Run(scenario, new FormulaPoolController());

        var change = Assert.Single(result.Changes);
        Assert.Equal((Knob.DbMaxPoolSize, 5), (change.Knob, change.To));
    }

    [Fact]
    public void Optimum_candidates_respect_the_budgets_and_the_connection_invariant()
    {
        var scenario = ScenarioCatalog.Get("max-connections-low-no-restart");
        var knobs = scenario.Specs[0].Knobs;

        var candidates = OptimumSearch.Candidates(scenario).ToList();

        Assert.NotEmpty(candidates);
        Assert.All(candidates, c =>
        {
            Assert.InRange(c.Replicas, knobs.Replicas!.Min, knobs.Replicas.Max);
            Assert.InRange(c.PoolSize, knobs.DbMaxPoolSize!.Min, knobs.DbMaxPoolSize.Max);
            Assert.Equal(scenario.Database.MaxConnections, c.MaxConnections);
            Assert.True(((c.Replicas + 1) * c.PoolSize) + 3 + 1 + 10 <= c.MaxConnections);
        });
    }

    [Fact]
    public void Rate_profiles_have_the_shapes_they_name()
    {
        Assert.Equal(100, RateProfile.Constant(100).At(1234));
        Assert.Equal(150, RateProfile.Ramp(100, 200, 100).At(50));
        Assert.Equal(500, RateProfile.Spike(100, 500, 60, 30).At(70));
        Assert.Equal(100, RateProfile.Spike(100, 500, 60, 30).At(95));
        Assert.Equal(1000, RateProfile.Diurnal(0, 1000, 3600).At(1800), 6);
        Assert.Equal(0, RateProfile.Constant(100).WithIdleGaps(120, 30).At(100));
        Assert.Equal(100, RateProfile.Constant(100).WithIdleGaps(120, 30).At(80));
    }
}
