using Autotune.Demo.Proof;
using Xunit;

namespace Autotune.Demo.Tests;

public sealed class KneeRampTests
{
    [Fact]
    public void Rates_climb_in_geometric_steps_from_the_start_to_the_ceiling()
    {
        var rates = KneeRamp.Rates(100, 1.15, 1_000);

        Assert.Equal(100, rates[0]);
        Assert.Equal(115, rates[1]);
        Assert.True(rates[^1] <= 1_000 && rates[^1] * 1.15 > 1_000);
        Assert.All(rates.Zip(rates.Skip(1)), pair => Assert.InRange(pair.Second / pair.First, 1.13, 1.17));
    }

    [Fact]
    public void Rates_stay_strictly_rising_when_rounding_would_repeat_a_value()
    {
        var rates = KneeRamp.Rates(2, 1.15, 20);

        Assert.Equal(rates.Distinct().Count(), rates.Count);
        Assert.Equal(rates.Order(), rates);
    }

    [Fact]
    public void The_default_ceiling_is_far_above_what_two_cores_serve()
    {
        Assert.True(KneeRamp.Rates(500)[^1] >= 100_000);
    }

    [Fact]
    public void Steps_to_the_knee_count_the_climb_and_the_step_that_misses()
    {
        Assert.Equal(1, KneeRamp.StepsTo(1_000, 800));
        Assert.Equal(10, KneeRamp.StepsTo(1_000, 3_000)); // 1.15^8 = 3.06
    }

    [Fact]
    public void Spread_is_the_median_and_range_of_the_repeats()
    {
        var spread = KneeRamp.SpreadOf([1_200, 1_000, 1_320]);

        Assert.Equal(new Spread(1_200, 1_000, 1_320, 3), spread);
        Assert.Equal("1200 [1000-1320]", spread.ToString());
        Assert.Equal("1000", KneeRamp.SpreadOf([1_000]).ToString());
        Assert.Equal("-", KneeRamp.SpreadOf([]).ToString());
    }
}
