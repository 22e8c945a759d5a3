using System.Collections;
using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// The samples a window keeps of one scrape: the values beside the list of their series, which the scrapes of one
/// exporter share while it writes the same series in the same order. Most values are counts (bucket and request
/// counters, gauges of threads and connections): a whole number from 0 to <see cref="int.MaxValue"/> is kept in
/// four bytes, any other value (sums in seconds, NaN) in a side array; each reads back exactly as written.
/// Exporter timestamps are not kept.
/// </summary>
internal sealed class WindowSamples : IReadOnlyList<Sample>
{
    private readonly Series[] series;

    // code >= 0: the value itself; code < 0: others[-code - 1].
    private readonly int[] codes;
    private readonly double[] others;

    public WindowSamples(Series[] series, ReadOnlySpan<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(values.Length, series.Length);
        this.series = series;
        codes = new int[values.Length];
        var otherCount = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            otherCount += IsCount(values[i]) ? 0 : 1;
        }

        others = otherCount == 0 ? [] : new double[otherCount];
        var next = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            var value = values[i];
            if (IsCount(value))
            {
                codes[i] = (int)value;
            }
            else
            {
                others[next] = value;
                codes[i] = -(++next);
            }
        }
    }

    /// <summary>The series of the values, in order (shared with the scrapes of the same layout).</summary>
    public IReadOnlyList<Series> Layout => series;

    public int Count => codes.Length;

    public Sample this[int index] => new(series[index], ValueAt(index));

    public IEnumerator<Sample> GetEnumerator()
    {
        for (var i = 0; i < codes.Length; i++)
        {
            yield return new Sample(series[i], ValueAt(i));
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private double ValueAt(int index)
    {
        var code = codes[index];
        return code >= 0 ? code : others[-code - 1];
    }

    // Negative zero is kept as written too (it compares equal to 0 but is a different double).
    private static bool IsCount(double value) =>
        value is >= 0 and <= int.MaxValue && Math.Floor(value) == value && !double.IsNegative(value);
}
