using System.Collections;
using Autotune.Engine.Metrics.Exposition;

namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// The samples a window keeps of one scrape: the values in one array beside the list of their series, which the
/// scrapes of one exporter share while it writes the same series in the same order. Exporter timestamps are not kept.
/// </summary>
internal sealed class WindowSamples : IReadOnlyList<Sample>
{
    private readonly Series[] series;
    private readonly double[] values;

    public WindowSamples(Series[] series, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(values.Length, series.Length);
        this.series = series;
        this.values = values;
    }

    /// <summary>The series of the values, in order (shared with the scrapes of the same layout).</summary>
    public IReadOnlyList<Series> Layout => series;

    public int Count => values.Length;

    public Sample this[int index] => new(series[index], values[index]);

    public IEnumerator<Sample> GetEnumerator()
    {
        for (var i = 0; i < values.Length; i++)
        {
            yield return new Sample(series[i], values[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
