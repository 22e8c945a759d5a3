using System.Globalization;

namespace Autotune.Engine.Metrics.Exposition;

/// <summary>Reads numbers the way Prometheus writes them: Go float syntax plus <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
public static class PromFloat
{
    /// <summary>Parses a sample value or an <c>le</c> bound; false when the text is not a number.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out double value)
    {
        // Most values exporters write are counts: whole numbers below 2^53 are read exactly without the general parser.
        if (text.Length is > 0 and <= 15)
        {
            long whole = 0;
            var i = 0;
            for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
            {
                whole = (whole * 10) + (text[i] - '0');
            }

            if (i == text.Length)
            {
                value = whole;
                return true;
            }
        }

        if (text.Length is >= 3 and <= 9)
        {
            var unsigned = text[0] is '+' or '-' ? text[1..] : text;
            if (unsigned.Equals("Inf", StringComparison.OrdinalIgnoreCase) ||
                unsigned.Equals("Infinity", StringComparison.OrdinalIgnoreCase))
            {
                value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            }

            if (text.Equals("NaN", StringComparison.OrdinalIgnoreCase))
            {
                value = double.NaN;
                return true;
            }
        }

        // Go accepts neither thousands separators nor currency, and neither do we; hex floats are not written by exporters.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Parses a value, or throws <see cref="FormatException"/>.</summary>
    public static double Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a Prometheus number");

    /// <summary>Writes a value the way Prometheus does (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, shortest round-trip).</summary>
    public static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
