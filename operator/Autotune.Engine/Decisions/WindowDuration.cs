using System.Globalization;

namespace Autotune.Engine.Decisions;

/// <summary>Parses the spec's window duration ("60s", "2m", "1m30s", "500ms", "1h").</summary>
internal static class WindowDuration
{
    /// <summary>The window the spec asks for; 60 s when it cannot be read (validation reports it).</summary>
    public static TimeSpan Parse(string? text) => TryParse(text, out var value) ? value : TimeSpan.FromSeconds(60);

    /// <summary>Parses a Go-style duration of ms, s, m and h parts.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var total = 0.0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            double? scale = s[unitStart..i] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => null,
            };
            if (scale is null)
            {
                return false;
            }

            total += n * scale.Value;
        }

        value = TimeSpan.FromSeconds(total);
        return total > 0;
    }
}
