using Xunit;

namespace Autotune.Load.Tests;

public sealed class LoadPlanTests
{
    [Fact]
    public void Ramp_spaces_rates_evenly_from_first_to_last()
    {
        var steps = LoadPlan.Ramp(100, 400, 4, TimeSpan.FromSeconds(10), "before");

        Assert.Equal([100.0, 200.0, 300.0, 400.0], steps.Select(s => s.RatePerSecond));
        Assert.All(steps, s => Assert.Equal("before", s.Label));
        Assert.Equal(TimeSpan.FromSeconds(40), new LoadPlan(steps).Duration);
    }

    [Fact]
    public void A_step_offers_its_rate_times_its_duration()
    {
        Assert.Equal(375, new LoadStep(250, TimeSpan.FromSeconds(1.5)).Requests);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(10, 0)]
    public void Refuses_steps_without_a_positive_rate_and_duration(double rate, double seconds)
    {
        Assert.Throws<ArgumentException>(() => new LoadPlan([new LoadStep(rate, TimeSpan.FromSeconds(seconds))]));
    }

    [Fact]
    public void Refuses_an_empty_plan()
    {
        Assert.Throws<ArgumentException>(() => new LoadPlan([]));
    }
}
