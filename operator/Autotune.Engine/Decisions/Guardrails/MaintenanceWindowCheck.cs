using System.Globalization;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>Whether a moment falls in a weekly UTC maintenance window (a window may run past midnight).</summary>
public static class MaintenanceWindowCheck
{
    /// <summary>True when the spec lets PostgreSQL restart now: its restart policy is Immediate, or Window and the window is open.</summary>
    public static bool RestartAllowedNow(PostgresSpec? postgres, DateTimeOffset now) =>
        postgres?.Restart == RestartPolicy.Immediate || (postgres?.Restart == RestartPolicy.Window && IsOpen(postgres.MaintenanceWindow, now));

    /// <summary>True when <paramref name="now"/> is inside the window.</summary>
    public static bool IsOpen(MaintenanceWindow? window, DateTimeOffset now)
    {
        if (window is null || !TimeOnly.TryParseExact(window.StartUtc, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            return false;
        }

        var utc = now.UtcDateTime;
        var length = TimeSpan.FromMinutes(Math.Max(0, window.DurationMinutes));
        for (var back = 0; back <= 7; back++)
        {
            var day = utc.Date.AddDays(-back);
            var opens = day + start.ToTimeSpan();
            if (window.Days.Any(d => string.Equals(d, day.DayOfWeek.ToString()[..3], StringComparison.OrdinalIgnoreCase))
                && utc >= opens && utc < opens + length)
            {
                return true;
            }
        }

        return false;
    }
}
