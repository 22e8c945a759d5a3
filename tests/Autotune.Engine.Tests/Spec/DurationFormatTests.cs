using Autotune.Engine.Resource.Validation;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class DurationFormatTests
{
    [Theory]
    [InlineData("60s", 60)]
    [InlineData("2m", 120)]
    [InlineData("1h30m", 5400)]
    [InlineData("1m30s", 90)]
    [InlineData("1m1m", 120)]
    [InlineData("0s", 0)]
    public void Parses_hours_minutes_and_seconds_like_go_durations(string text, int seconds)
    {
        Assert.True(DurationFormat.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("60")]
    [InlineData("s")]
    [InlineData("1.5m")]
    [InlineData("100ms")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("1d")]
    [InlineData("9999999h")]
    public void Refuses_what_is_not_a_duration_in_whole_h_m_s(string? text)
    {
        Assert.False(DurationFormat.TryParse(text, out _));
    }

    [Theory]
    [InlineData(60, "1m")]
    [InlineData(90, "1m30s")]
    [InlineData(5400, "1h30m")]
    [InlineData(10, "10s")]
    [InlineData(0, "0s")]
    public void Formats_as_the_resource_writes_durations(int seconds, string expected)
    {
        var text = DurationFormat.Format(TimeSpan.FromSeconds(seconds));

        Assert.Equal(expected, text);
        Assert.True(DurationFormat.TryParse(text, out var back));
        Assert.Equal(TimeSpan.FromSeconds(seconds), back);
    }
}
