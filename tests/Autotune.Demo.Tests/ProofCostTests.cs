using Autotune.Demo.Proof;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class ProofCostTests
{
    [Fact]
    public void Cost_orders_by_replicas_then_connections_then_max_connections_then_threads()
    {
        var settings = new[]
        {
            new StaticSettings(null, 4, 100, 2),
            new StaticSettings(256, 8, 100, 1),
            new StaticSettings(null, 8, 200, 1),
            new StaticSettings(null, 8, 100, 1),
            new StaticSettings(null, 64, 100, 1),
        }.ToList();

        settings.Sort(StaticSettings.CompareCost);

        Assert.Equal(
            [new StaticSettings(null, 8, 100, 1), new StaticSettings(256, 8, 100, 1), new StaticSettings(null, 8, 200, 1), new StaticSettings(null, 64, 100, 1), new StaticSettings(null, 4, 100, 2)],
            settings);
        Assert.Equal(128, new StaticSettings(256, 64, 200, 2).Connections);
    }

    [Fact]
    public void C_is_the_cheapest_grid_point_within_two_percent_of_the_best_knee()
    {
        var screened = new (StaticSettings, double)[]
        {
            (new StaticSettings(null, 64, 200, 2), 5_000),
            (new StaticSettings(null, 8, 200, 1), 4_920),
            (new StaticSettings(null, 2, 200, 1), 4_800),
        };

        Assert.Equal(new StaticSettings(null, 8, 200, 1), ProofScore.Winner(screened, 0.02));
        Assert.Equal(new StaticSettings(null, 64, 200, 2), ProofScore.Winner(screened));
    }

    [Fact]
    public void Baselines_are_the_defaults_and_hikaris_formula_at_the_workloads_replicas()
    {
        var profile = ProofProfiles.MaxConnections();

        Assert.Equal(new StaticSettings(null, 100, 12, 2), Baselines.Defaults(profile));
        Assert.Equal(new StaticSettings(null, 5, 12, 2), Baselines.Hikari(profile, 2));
        Assert.Equal(9, Baselines.Hikari(profile, 4).Pool);
    }

    [Fact]
    public void Every_profile_explains_why_it_discriminates_and_its_grid_holds_its_start()
    {
        foreach (var profile in ProofProfiles.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(profile.Discriminates));
            Assert.True(profile.StartRate < profile.ExpectedKnee, profile.Name);
            var lattice = new ProofLattice(profile.ReplicasGrid, profile.MinThreadsGrid, profile.PoolGrid, profile.MaxConnectionsGrid);
            Assert.Contains(lattice.Nearest(profile.Starting), profile.Grid);
        }

        Assert.Equal(ProofProfiles.FastAsync().Workload, ProofProfiles.OverProvisioned().Workload);
        Assert.Contains(ProofProfiles.OverProvisioned().Starting, ProofProfiles.OverProvisioned().Grid);
    }

    [Fact]
    public void The_estimate_counts_ramps_and_steps_from_the_options()
    {
        var full = ProofPlan.Estimate(ProofProfiles.All, ProofOptions.Parse([], "/r/t.md", "/s/t.md"), TimeSpan.FromSeconds(10));
        var smoke = ProofPlan.Estimate(ProofProfiles.All, ProofOptions.Parse(["--smoke"], "/r/t.md", "/s/t.md"), TimeSpan.FromSeconds(10));

        var fast = full.Single(l => l.Workload == "fast-async");
        Assert.Equal(12 + (3 * 5) + 2, fast.Ramps);
        Assert.Equal(2, fast.Tunings);
        Assert.True(smoke.Sum(l => l.Total.TotalMinutes) < full.Sum(l => l.Total.TotalMinutes) / 2);
    }
}
