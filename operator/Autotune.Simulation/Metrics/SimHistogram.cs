using Autotune.Simulation.Model;

namespace Autotune.Simulation.Metrics;

/// <summary>A cumulative Prometheus-style histogram over fixed bounds, filled with whole groups of requests at once.</summary>
public sealed class SimHistogram
{
    private readonly double[] _bounds;
    private readonly double[] _counts;

    /// <summary>A histogram over <paramref name="bounds"/> (ascending, seconds).</summary>
    public SimHistogram(IReadOnlyList<double> bounds)
    {
        _bounds = [.. bounds];
        _counts = new double[_bounds.Length + 1];
    }

    /// <summary>The upper bounds, ascending.</summary>
    public IReadOnlyList<double> Bounds => _bounds;

    /// <summary>Observations so far.</summary>
    public double Count { get; private set; }

    /// <summary>Sum of the observed values.</summary>
    public double Sum { get; private set; }

    /// <summary>Observations at or under bound <paramref name="index"/> (index Bounds.Count is +Inf).</summary>
    public double Cumulative(int index)
    {
        var total = 0.0;
        for (var i = 0; i <= index; i++)
        {
            total += _counts[i];
        }

        return total;
    }

    /// <summary>Records <paramref name="count"/> observations of exactly <paramref name="value"/>.</summary>
    public void Observe(double count, double value)
    {
        if (count <= 0)
        {
            return;
        }

        var i = Array.BinarySearch(_bounds, value);
        i = i >= 0 ? i : ~i;
        _counts[i] += count;
        Count += count;
        Sum += count * value;
    }

    /// <summary>
    /// Records <paramref name="count"/> observations spread as <paramref name="shape"/> around a fixed part and a
    /// variable part's mean; only the buckets the spread reaches are computed.
    /// </summary>
    public void Observe(double count, double fixedPart, double variable, ServiceTimeShape shape)
    {
        if (count <= 0)
        {
            return;
        }

        var low = fixedPart + ((1 - shape.Variability) * variable);
        var high = shape.Quantile(0.99999, fixedPart, variable);
        var first = Array.BinarySearch(_bounds, low);
        first = first >= 0 ? first : ~first;
        var previous = 0.0;
        for (var i = first; i < _bounds.Length; i++)
        {
            var cdf = _bounds[i] >= high ? 1.0 : shape.Cdf(_bounds[i], fixedPart, variable);
            _counts[i] += count * (cdf - previous);
            previous = cdf;
            if (cdf >= 1.0)
            {
                break;
            }
        }

        if (previous < 1.0)
        {
            _counts[_bounds.Length] += count * (1.0 - previous);
        }

        Count += count;
        Sum += count * (fixedPart + variable);
    }

    /// <summary>Adds every observation of <paramref name="other"/> (same bounds) to this one.</summary>
    public void Add(SimHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
    }

    /// <summary>Forgets every observation.</summary>
    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
        Sum = 0;
    }

    /// <summary>The <paramref name="q"/> quantile by linear interpolation inside the bucket (as histogram_quantile does).</summary>
    public double Quantile(double q)
    {
        if (Count <= 0)
        {
            return double.NaN;
        }

        var rank = q * Count;
        var cumulative = 0.0;
        for (var i = 0; i < _counts.Length; i++)
        {
            var next = cumulative + _counts[i];
            if (next >= rank && _counts[i] > 0)
            {
                if (i == _bounds.Length)
                {
                    return _bounds[^1];
                }

                var lower = i == 0 ? 0 : _bounds[i - 1];
                return lower + ((_bounds[i] - lower) * (rank - cumulative) / _counts[i]);
            }

            cumulative = next;
        }

        return _bounds[^1];
    }

    /// <summary>Share of observations at or under <paramref name="value"/> (interpolated inside its bucket).</summary>
    public double ShareAtOrUnder(double value)
    {
        if (Count <= 0)
        {
            return double.NaN;
        }

        var under = 0.0;
        for (var i = 0; i < _bounds.Length; i++)
        {
            var lower = i == 0 ? 0 : _bounds[i - 1];
            if (value >= _bounds[i])
            {
                under += _counts[i];
                continue;
            }

            if (value > lower)
            {
                under += _counts[i] * (value - lower) / (_bounds[i] - lower);
            }

            break;
        }

        return under / Count;
    }
}
