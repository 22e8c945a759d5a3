using Autotune.Engine.Decisions.Budget;
using CsCheck;
using Xunit;

namespace Autotune.Engine.Tests.Properties;

public sealed class ConnectionArbiterProperties
{
    private static readonly Gen<ShareRequest> Request =
        from weight in Gen.Int[1, 10]
        from min in Gen.OneOf(Gen.Const(0), Gen.Int[0, 80])
        from max in Gen.OneOf(Gen.Const((int?)null), Gen.Int[80, 600].Select(m => (int?)m))
        from wants in Gen.Int[0, 800]
        select new ShareRequest("x", weight, min, max, wants);

    private static readonly Gen<(int Capacity, List<ShareRequest> Requests)> Case =
        from capacity in Gen.Int[0, 1000]
        from requests in Request.List[1, 5]
        select (capacity, requests.Select((r, i) => r with { Name = $"api{i}" }).ToList());

    [Fact]
    public void Caps_never_add_up_to_more_than_the_capacity()
    {
        Case.Sample(c =>
        {
            var allocation = ConnectionArbiter.Allocate(c.Capacity, c.Requests);

            Assert.True(allocation.Grants.Sum(g => g.Cap) <= c.Capacity, Describe(c, allocation));
        }, iter: 5000);
    }

    [Fact]
    public void Feasible_minimums_and_every_maximum_are_respected_and_nobody_gets_more_than_it_wants_beyond_its_minimum()
    {
        CheckedSample.Run(Case, iter: 5000, minChecked: 1500, c =>
        {
            if (c.Requests.Sum(r => r.Min) > c.Capacity)
            {
                return false;
            }

            var allocation = ConnectionArbiter.Allocate(c.Capacity, c.Requests);

            Assert.Null(allocation.Infeasible);
            foreach (var (r, g) in c.Requests.Zip(allocation.Grants))
            {
                Assert.True(g.Cap >= r.Min, $"{r.Name} below its minimum: {Describe(c, allocation)}");
                Assert.True(r.Max is not { } max || g.Cap <= max, $"{r.Name} above its maximum: {Describe(c, allocation)}");
                Assert.True(g.Cap <= Math.Max(r.Wants, r.Min), $"{r.Name} granted more than it wants: {Describe(c, allocation)}");
            }

            return true;
        });
    }

    [Fact]
    public void What_some_want_and_cannot_have_is_never_left_unallocated()
    {
        CheckedSample.Run(Case, iter: 5000, minChecked: 1000, c =>
        {
            var wanted = c.Requests.Sum(r => (long)Math.Min(Math.Max(r.Wants, r.Min), r.Max ?? int.MaxValue));
            if (c.Requests.Sum(r => r.Min) > c.Capacity || wanted <= c.Capacity)
            {
                return false;
            }

            var allocation = ConnectionArbiter.Allocate(c.Capacity, c.Requests);

            Assert.Equal(c.Capacity, allocation.Grants.Sum(g => g.Cap));
            return true;
        });
    }

    [Fact]
    public void Without_bounds_each_gets_at_least_the_lesser_of_what_it_wants_and_its_weighted_share_within_one()
    {
        CheckedSample.Run(Case, iter: 5000, minChecked: 3000, c =>
        {
            var requests = c.Requests.Select(r => r with { Min = 0, Max = null }).ToList();
            var total = requests.Sum(r => r.Weight);

            var allocation = ConnectionArbiter.Allocate(c.Capacity, requests);

            foreach (var (r, g) in requests.Zip(allocation.Grants))
            {
                var share = c.Capacity * r.Weight / total;
                Assert.True(g.Cap >= Math.Min(r.Wants, share) - 1, $"{r.Name}: cap {g.Cap}, wants {r.Wants}, weighted share {share}: {Describe(c, allocation)}");
                Assert.True(Math.Abs(g.Share - (c.Capacity * (double)r.Weight / total)) <= 1, $"{r.Name}: share {g.Share}: {Describe(c, allocation)}");
            }

            return true;
        });
    }

    [Fact]
    public void An_api_held_below_what_it_wants_gets_at_least_its_weight_s_due_against_any_api_above_its_minimum()
    {
        CheckedSample.Run(Case, iter: 5000, minChecked: 1000, c =>
        {
            if (c.Requests.Sum(r => r.Min) > c.Capacity)
            {
                return false;
            }

            var allocation = ConnectionArbiter.Allocate(c.Capacity, c.Requests);
            var pairs = 0;
            foreach (var (ri, gi) in c.Requests.Zip(allocation.Grants))
            {
                var hi = Math.Min(Math.Max(ri.Wants, ri.Min), ri.Max ?? int.MaxValue);
                if (gi.Cap >= hi)
                {
                    continue;
                }

                // i is held back: nobody above its minimum may hold more per unit of weight than i (one connection of rounding each).
                foreach (var (rj, gj) in c.Requests.Zip(allocation.Grants).Where(p => p.First.Name != ri.Name && p.Second.Cap > p.First.Min))
                {
                    pairs++;
                    Assert.True((gj.Cap - 1) / (double)rj.Weight <= (gi.Cap + 1) / (double)ri.Weight,
                        $"{rj.Name} holds {gj.Cap} at weight {rj.Weight} while {ri.Name} is held at {gi.Cap} at weight {ri.Weight}: {Describe(c, allocation)}");
                }
            }

            return pairs > 0;
        });
    }

    [Fact]
    public void Minimums_that_do_not_fit_are_reported_and_scaled_within_the_capacity()
    {
        var allocation = ConnectionArbiter.Allocate(100, [new("a", 1, 90, null, 500), new("b", 1, 60, null, 500)]);

        Assert.NotNull(allocation.Infeasible);
        Assert.Contains("minimums add up to 150", allocation.Infeasible, StringComparison.Ordinal);
        Assert.Equal([60, 40], allocation.Grants.Select(g => g.Cap));
    }

    [Fact]
    public void Two_apis_that_both_want_more_than_fits_split_it_by_weight()
    {
        var allocation = ConnectionArbiter.Allocate(150, [new("orders", 2, 0, null, 400), new("billing", 1, 0, null, 400)]);

        Assert.Equal([100, 50], allocation.Grants.Select(g => g.Cap));
        Assert.Equal([100, 50], allocation.Grants.Select(g => g.Share));
    }

    [Fact]
    public void An_api_wanting_less_than_its_share_leaves_the_rest_to_the_other_and_a_maximum_caps_it()
    {
        var light = ConnectionArbiter.Allocate(150, [new("orders", 2, 0, null, 30), new("billing", 1, 0, null, 400)]);
        var capped = ConnectionArbiter.Allocate(150, [new("orders", 2, 0, 60, 400), new("billing", 1, 0, null, 400)]);

        Assert.Equal([30, 120], light.Grants.Select(g => g.Cap));
        Assert.Equal([60, 90], capped.Grants.Select(g => g.Cap));
    }

    private static string Describe((int Capacity, List<ShareRequest> Requests) c, Allocation allocation) =>
        $"capacity {c.Capacity}; " + string.Join("; ", c.Requests.Zip(allocation.Grants).Select(p =>
            $"{p.First.Name} w{p.First.Weight} min {p.First.Min} max {p.First.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} wants {p.First.Wants} -> cap {p.Second.Cap}"));
}
