using System.Buffers;

namespace Autotune.Engine.Metrics.Exposition;

/// <summary>
/// The kept samples of one parse, series and values side by side in arrays rented from the shared pool and returned
/// to it by <see cref="Clear"/>, so a parse allocates no sample list. Not thread-safe.
/// </summary>
internal sealed class SampleBuffer
{
    private Series[] series = [];
    private double[] values = [];

    public int Count { get; private set; }

    /// <summary>Samples the rented arrays can hold (0 when none are rented).</summary>
    public int Capacity => series.Length;

    public ReadOnlySpan<Series> Series => series.AsSpan(0, Count);

    public ReadOnlySpan<double> Values => values.AsSpan(0, Count);

    public void Add(Series item, double value)
    {
        if (Count == series.Length)
        {
            Grow();
        }

        series[Count] = item;
        values[Count] = value;
        Count++;
    }

    /// <summary>Forgets the samples and gives the arrays back to the pool.</summary>
    public void Clear()
    {
        if (series.Length > 0)
        {
            ArrayPool<Series>.Shared.Return(series, clearArray: true);
            ArrayPool<double>.Shared.Return(values);
        }

        series = [];
        values = [];
        Count = 0;
    }

    private void Grow()
    {
        var size = Math.Max(256, series.Length * 2);
        var biggerSeries = ArrayPool<Series>.Shared.Rent(size);
        var biggerValues = ArrayPool<double>.Shared.Rent(size);
        series.AsSpan(0, Count).CopyTo(biggerSeries);
        values.AsSpan(0, Count).CopyTo(biggerValues);
        if (series.Length > 0)
        {
            ArrayPool<Series>.Shared.Return(series, clearArray: true);
            ArrayPool<double>.Shared.Return(values);
        }

        series = biggerSeries;
        values = biggerValues;
    }
}
