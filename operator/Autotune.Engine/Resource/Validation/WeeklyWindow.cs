namespace Autotune.Engine.Resource.Validation;

/// <summary>A parsed maintenance window: the days it opens, its UTC opening time and its length.</summary>
/// <param name="Days">The days it opens on (a window that crosses midnight belongs to the day it opened).</param>
/// <param name="StartUtc">Opening time of day, UTC.</param>
/// <param name="Duration">How long it stays open.</param>
public sealed record WeeklyWindow(IReadOnlySet<DayOfWeek> Days, TimeOnly StartUtc, TimeSpan Duration)
{
    /// <summary>True when <paramref name="now"/> falls inside an opening of the window.</summary>
    public bool IsOpen(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        // An opening that began yesterday may still be open after midnight (Duration is at most a day).
        for (var daysBack = 0; daysBack <= 1; daysBack++)
        {
            var day = utc.Date.AddDays(-daysBack);
            var opens = day + StartUtc.ToTimeSpan();
            if (Days.Contains(day.DayOfWeek) && utc >= opens && utc < opens + Duration)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Maps the resource's day names (Mon..Sun) to days of the week.</summary>
    internal static DayOfWeek DayOf(string name) => name switch
    {
        "Mon" => DayOfWeek.Monday,
        "Tue" => DayOfWeek.Tuesday,
        "Wed" => DayOfWeek.Wednesday,
        "Thu" => DayOfWeek.Thursday,
        "Fri" => DayOfWeek.Friday,
        "Sat" => DayOfWeek.Saturday,
        "Sun" => DayOfWeek.Sunday,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a day name"),
    };
}
