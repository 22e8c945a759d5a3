using Autotune.Demo.Proof;
using Autotune.Engine.Resource.Spec;
using Autotune.Engine.Resource.Spec.Yaml;
using Autotune.Engine.Resource.Validation;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class ProofBudgetsTests
{
    private static ApiTuningSpec SpecOf(ProofProfile profile) =>
        SpecValidator.Validate(ApiTuningYaml.Load(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, profile.SpecFile))).Documents[0].Spec).Spec!.Spec;

    [Fact]
    public void Every_profile_s_start_and_grid_lie_inside_the_budgets_local_mode_tunes_within()
    {
        foreach (var profile in ProofProfiles.All)
        {
            Assert.Empty(ProofBudgets.Outside(profile, SpecOf(profile), profile.Grid));
        }
    }

    [Fact]
    public void A_grid_point_local_mode_could_never_reach_is_named_with_the_knob_and_the_budget()
    {
        var bursty = ProofProfiles.BurstyStarvation() with { SpecFile = ProofProfiles.SpecFile };

        var outside = ProofBudgets.Outside(bursty, SpecOf(bursty), [new StaticSettings(64, 100, 200), new StaticSettings(64, 40, 100), new StaticSettings(64, 40, 100, 2)]);

        Assert.Contains("bursty-starvation: start replicas 1, min threads default, pool 100, max_connections 200 has pool 100, outside the 2-40 budget of proof-apituning.yaml", outside);
        Assert.Contains("bursty-starvation: grid point replicas 1, min threads 64, pool 100, max_connections 200 has max_connections 200, outside the 10-100 budget of proof-apituning.yaml", outside);
        Assert.Contains("bursty-starvation: grid point replicas 2, min threads 64, pool 40, max_connections 100 has 2 replicas, but replicas are not a knob of proof-apituning.yaml (the start has 1)", outside);
        Assert.Equal(5, outside.Count); // the start's pool and max_connections, the first point's both, the third's replicas; the second fits
    }
}
