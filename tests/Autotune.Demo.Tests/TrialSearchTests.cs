using Autotune.Demo.Proof;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class TrialSearchTests
{
    private static readonly ProofLattice Lattice = new([1, 2], [null, 256], [2, 8, 64], [200]);

    // A knee that peaks at pool 8, one replica, default threads; threads and replicas only cost.
    private static double Knee(StaticSettings s) =>
        (s.Pool switch { 2 => 3_000, 8 => 5_000, _ => 4_000 }) - (s.MinThreads is null ? 0 : 500) - (s.Replicas == 2 ? 300 : 0);

    [Fact]
    public void Coordinate_search_climbs_from_the_start_to_the_peak_before_trying_the_rest()
    {
        var order = TrialSearch.Order(Lattice, new StaticSettings(null, 2, 200), Knee);

        Assert.Equal(new StaticSettings(null, 2, 200, 1), order[0]);
        Assert.Equal(Lattice.Points.Count, order.Count);
        Assert.Equal(order.Count, order.Distinct().Count());
        Assert.Equal(new StaticSettings(null, 8, 200, 1), order[1]); // the first neighbour tried: the pool one value up
        Assert.Equal(2, TrialSearch.TrialsToWithin(order, Knee, 5_000));
    }

    [Fact]
    public void Trials_to_within_five_percent_is_the_whole_order_when_none_is()
    {
        var order = Lattice.Points;

        Assert.Equal(order.Count, TrialSearch.TrialsToWithin(order, _ => 1_000, 5_000));
        Assert.Equal(1, TrialSearch.TrialsToWithin(order, _ => 4_800, 5_000));
    }

    [Fact]
    public void Neighbours_are_one_grid_value_up_or_down_in_one_knob()
    {
        var neighbours = Lattice.Neighbours(new StaticSettings(null, 8, 200, 1)).ToList();

        Assert.Equal(4, neighbours.Count);
        Assert.Contains(new StaticSettings(null, 2, 200, 1), neighbours);
        Assert.Contains(new StaticSettings(null, 64, 200, 1), neighbours);
        Assert.Contains(new StaticSettings(256, 8, 200, 1), neighbours);
        Assert.Contains(new StaticSettings(null, 8, 200, 2), neighbours);
        Assert.Equal(new StaticSettings(256, 64, 200, 2), Lattice.Nearest(new StaticSettings(300, 50, 250, 3)));
    }

    [Fact]
    public void Random_search_expects_n_plus_one_over_good_plus_one_trials()
    {
        Assert.Equal(13.0 / 2, TrialSearch.RandomSearchExpected(12, 1));
        Assert.True(double.IsNaN(TrialSearch.RandomSearchExpected(12, 0)));
    }
}
