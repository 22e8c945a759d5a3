using Xunit;

namespace Autotune.Contracts.Tests;

public sealed class TuningFileTests
{
    [Fact]
    public void Round_trips_through_its_json_form()
    {
        var file = new TuningFile(7, 64, 24);

        Assert.True(TuningFile.TryParse(file.ToJson(), out var parsed, out var error), error);
        Assert.Equal(file, parsed);
    }

    [Fact]
    public void Carries_the_shedding_deadline_and_leaves_it_out_when_not_set()
    {
        var file = new TuningFile(5, 32, 16, ShedAfterMilliseconds: 200);

        Assert.Contains("\"shedAfterMilliseconds\": 200", file.ToJson(), StringComparison.Ordinal);
        Assert.True(TuningFile.TryParse(file.ToJson(), out var parsed, out var error), error);
        Assert.Equal(file, parsed);
        Assert.DoesNotContain("shedAfter", new TuningFile(5, 32, 16).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Leaves_out_settings_that_are_not_managed()
    {
        var json = new TuningFile(1, null, 10).ToJson();

        Assert.DoesNotContain("threadPoolMinThreads", json, StringComparison.Ordinal);
        Assert.True(TuningFile.TryParse(json, out var parsed, out _));
        Assert.Null(parsed!.ThreadPoolMinThreads);
    }

    [Fact]
    public void Reads_a_file_without_a_schema_version_as_the_current_one()
    {
        Assert.True(TuningFile.TryParse("{\"generation\": 2, \"dbMaxPoolSize\": 8}", out var parsed, out var error), error);
        Assert.Equal(new TuningFile(2, null, 8), parsed);
        Assert.Equal(TuningFile.CurrentSchemaVersion, parsed!.SchemaVersion);
        Assert.Contains("\"schemaVersion\": 1", parsed.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"generation\": 3, \"threadPoolMin", "not valid JSON")]
    [InlineData("{\"generation\": 0}", "generation must be 1 or more")]
    [InlineData("{\"generation\": 2, \"dbMaxPoolSize\": 0}", "dbMaxPoolSize must be between")]
    [InlineData("{\"generation\": 2, \"threadPoolMinThreads\": 40000}", "threadPoolMinThreads must be between")]
    [InlineData("{\"generation\": 2, \"schemaVersion\": 9}", "schemaVersion 9 is not supported")]
    [InlineData("{\"generation\": 2, \"shedAfterMilliseconds\": 0}", "shedAfterMilliseconds must be between")]
    [InlineData("{\"generation\": 2, \"poolSize\": 9}", "not valid JSON")]
    public void Refuses_a_file_it_cannot_apply_and_says_why(string text, string expected)
    {
        Assert.False(TuningFile.TryParse(text, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
