using Autotune.Agent.Tuning;
using Autotune.Contracts;
using Xunit;

namespace Autotune.Agent.Tests;

public sealed class TuningFileReadTests
{
    [Fact]
    public void A_valid_file_is_parsed()
    {
        var read = TuningFileRead.Parse(new TuningFile(7, 32, 12).ToJson());

        Assert.Equal(new TuningFile(7, 32, 12), read.File);
        Assert.Null(read.RejectReason);
    }

    [Theory]
    [InlineData("", "malformed")]
    [InlineData("{ \"generation\": 2, \"threadPool", "malformed")]
    [InlineData("{ \"generation\": 0 }", "invalid")]
    [InlineData("{ \"generation\": 2, \"dbMaxPoolSize\": -1 }", "invalid")]
    [InlineData("{ \"generation\": 2, \"schemaVersion\": 9 }", "invalid")]
    public void A_file_that_cannot_be_applied_is_rejected_with_its_reason(string text, string reason)
    {
        var read = TuningFileRead.Parse(text);

        Assert.Null(read.File);
        Assert.Equal(reason, read.RejectReason);
        Assert.False(string.IsNullOrEmpty(read.Message));
    }

    [Fact]
    public void A_missing_file_is_rejected_as_missing()
    {
        var read = TuningFileRead.From(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "tuning.json"));

        Assert.Equal(TuningFileRead.Missing, read.RejectReason);
    }
}
