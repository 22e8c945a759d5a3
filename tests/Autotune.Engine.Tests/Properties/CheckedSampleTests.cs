using CsCheck;
using Xunit;
using Xunit.Sdk;

namespace Autotune.Engine.Tests.Properties;

public sealed class CheckedSampleTests
{
    [Fact]
    public void A_property_that_drops_every_case_fails_although_no_assertion_inside_it_failed()
    {
        var error = Assert.Throws<FailException>(() =>
            CheckedSample.Run(Gen.Int[0, 100], iter: 500, minChecked: 1, _ => false, "drops everything"));

        Assert.Equal(
            "drops everything: only 0 of 500 generated cases were checked, below the floor of 1: the generator no longer reaches what the property is about",
            error.Message);
    }

    [Fact]
    public void A_property_that_checks_too_few_cases_fails_and_one_that_checks_enough_passes()
    {
        Assert.Throws<FailException>(() => CheckedSample.Run(Gen.Int[0, 99], iter: 1000, minChecked: 500, i => i < 10));

        CheckedSample.Run(Gen.Int[0, 99], iter: 1000, minChecked: 500, i => i < 90);
    }

    [Fact]
    public void A_failing_case_still_fails_the_property()
    {
        Assert.ThrowsAny<Exception>(() => CheckedSample.Run(Gen.Int[0, 99], iter: 1000, minChecked: 1, i =>
        {
            Assert.True(i < 50);
            return true;
        }));
    }
}
