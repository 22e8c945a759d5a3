using Autotune.Operator.Cli;
using Xunit;

namespace Autotune.Operator.Tests.Kubernetes.Controller;

public sealed class OperatorCommandTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("301")]
    public void A_status_write_timeout_out_of_range_is_refused_naming_the_flag(string seconds)
    {
        var parsed = AutotuneCommand.Create().Parse(["operator", "--status-write-timeout-seconds", seconds]);

        var error = Assert.Single(parsed.Errors);
        Assert.Equal("--status-write-timeout-seconds must be above 0 and at most 300", error.Message);
    }

    [Fact]
    public void The_status_write_timeout_defaults_to_10_seconds_and_takes_a_fraction()
    {
        Assert.Empty(AutotuneCommand.Create().Parse(["operator"]).Errors);
        Assert.Empty(AutotuneCommand.Create().Parse(["operator", "--status-write-timeout-seconds", "2.5"]).Errors);
        Assert.Equal(TimeSpan.FromSeconds(10), new Autotune.Operator.Kubernetes.Controller.OperatorHostOptions().StatusWriteTimeout);
    }
}
