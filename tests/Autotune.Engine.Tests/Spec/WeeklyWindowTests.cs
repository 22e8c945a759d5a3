using Autotune.Engine.Resource.Validation;
using Xunit;

namespace Autotune.Engine.Tests.Spec;

public sealed class WeeklyWindowTests
{
    // Saturday 23:00 UTC for two hours: open until Sunday 01:00.
    private static readonly WeeklyWindow SaturdayNight =
        new(new HashSet<DayOfWeek> { DayOfWeek.Saturday }, new TimeOnly(23, 0), TimeSpan.FromHours(2));

    [Theory]
    [InlineData("2026-11-28T23:00:00Z", true)]
    [InlineData("2026-11-28T23:59:59Z", true)]
    [InlineData("2026-11-29T00:30:00Z", true)]
    [InlineData("2026-11-29T01:00:00Z", false)]
    [InlineData("2026-11-28T22:59:59Z", false)]
    [InlineData("2026-11-29T23:30:00Z", false)]
    [InlineData("2026-11-27T23:30:00Z", false)]
    public void Is_open_from_its_start_for_its_duration_on_its_days_across_midnight(string now, bool open)
    {
        Assert.Equal(open, SaturdayNight.IsOpen(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Judges_a_time_given_in_another_offset_in_utc()
    {
        // 2026-11-29 01:30 at +02:00 is Saturday 23:30 UTC.
        Assert.True(SaturdayNight.IsOpen(new DateTimeOffset(2026, 11, 29, 1, 30, 0, TimeSpan.FromHours(2))));
    }
}
