using Autotune.Engine.Resource.Spec;
using Autotune.Simulation.Control;
using Autotune.Simulation.Model;
using Autotune.Simulation.Runner;
using Autotune.Simulation.Scenarios;

namespace Autotune.Simulation.Tests;

/// <summary>The model shows the harm first: static settings past a knob's knee serve less than the knee at the same offered load.</summary>
public sealed class KneeHarmTests
{
    private static double Served(Scenario scenario, Func<ApiOptions, ApiOptions> change, double seconds = 120)
    {
        var world = new SimulatedCluster(scenario.Database, [change(scenario.Apis[0])], seed: 7);
        world.RunUntil(seconds);
        return world.Apis[0].Pods.Sum(p => p.Metrics.RequestsOk.Count) / seconds;
    }

    [Fact]
    public void Raised_minimum_threads_serve_the_busy_async_api_less_than_the_default_at_the_same_load()
    {
        var scenario = KneeScenarios.BusyAsyncFromDefaults();

        var byDefault = Served(scenario, a => a with { MinThreads = 2 });
        var raised = Served(scenario, a => a with { MinThreads = 144 });

        Assert.True(byDefault > 0.98 * KneeScenarios.BusyAsyncRps, $"default threads serve {byDefault:0} of {KneeScenarios.BusyAsyncRps} req/s");
        Assert.True(raised < 0.85 * byDefault, $"144 threads serve {raised:0} req/s against {byDefault:0} with the default");
    }

    [Fact]
    public void A_pool_far_above_the_knee_serves_less_once_the_database_saturates()
    {
        // Two pods offer 20,000 req/s to a database that can do ~15,000 queries/s: the sessions pile into the database.
        var scenario = KneeScenarios.BusyAsyncFromDefaults();
        ApiOptions Saturating(ApiOptions a, int pool) => a with { Replicas = 2, Rate = RateProfile.Constant(20_000), PoolSize = pool };

        var knee = Served(scenario, a => Saturating(a, 8));
        var far = Served(scenario, a => Saturating(a, 64));

        Assert.True(knee > 12_000, $"pool 8 serves {knee:0} req/s");
        Assert.True(far < 0.7 * knee, $"pool 64 serves {far:0} req/s against {knee:0} with pool 8");
    }

    [Fact]
    public void The_knee_settings_meet_the_objective_where_the_over_provisioned_start_misses()
    {
        var scenario = KneeScenarios.BusyAsyncOverProvisioned() with { DurationSeconds = 600 };

        var start = ScenarioRunner.Run(scenario, new StaticController("start"));
        var knee = ScenarioRunner.Run(scenario, new StaticController("knee", [(Knob.ThreadPoolMinThreads, 2), (Knob.DbMaxPoolSize, 8)]));

        Assert.True(start.MinutesOver >= 9, $"start settings over {start.MinutesOver} min");
        Assert.True(knee.Minutes[0].Skip(OptimumSearch.WarmupMinutes).All(m => m.Met), $"knee settings over {knee.MinutesOver} min");
    }
}
