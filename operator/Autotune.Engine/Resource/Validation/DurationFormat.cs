using System.Globalization;

namespace Autotune.Engine.Resource.Validation;

/// <summary>
/// Durations as the resource writes them: whole numbers of hours, minutes and seconds, Go style ("60s", "2m",
/// "1h30m"), the subset both the schema pattern and CEL's <c>duration()</c> accept.
/// </summary>
public static class DurationFormat
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(365);

    /// <summary>Parses a duration; false when the text is not one (or is longer than a year).</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        long seconds = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i - start > 9 || i == text.Length)
            {
                return false;
            }

            var number = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            long unit = text[i] switch { 'h' => 3600, 'm' => 60, 's' => 1, _ => 0 };
            if (unit == 0)
            {
                return false;
            }

            seconds += number * unit;
            if (seconds > Longest.TotalSeconds)
            {
                return false;
            }

            i++;
        }

        duration = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Writes a duration the way the resource does ("90s" as "1m30s").</summary>
    public static string Format(TimeSpan duration)
    {
        var total = (long)duration.TotalSeconds;
        if (total == 0)
        {
            return "0s";
        }

        var text = string.Empty;
        if (total >= 3600)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{total / 3600}h");
        }

        if (total % 3600 >= 60)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{total % 3600 / 60}m");
        }

        if (total % 60 != 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"{total % 60}s");
        }

        return text;
    }
}
