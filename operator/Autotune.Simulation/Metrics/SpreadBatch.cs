using Autotune.Simulation.Model;

namespace Autotune.Simulation.Metrics;

/// <summary>
/// Collects a few ticks of spread observations and writes them as one (count-weighted mean fixed and variable
/// parts): conditions change little within half a second, and spreading over buckets is the model's costliest step.
/// </summary>
public sealed class SpreadBatch
{
    private double _count;
    private double _fixedSum;
    private double _variableSum;

    /// <summary>Adds <paramref name="count"/> observations.</summary>
    public void Add(double count, double fixedPart, double variable)
    {
        if (count <= 0)
        {
            return;
        }

        _count += count;
        _fixedSum += count * fixedPart;
        _variableSum += count * variable;
    }

    /// <summary>Writes the collected observations into <paramref name="first"/> (and <paramref name="second"/>), then forgets them.</summary>
    public void Flush(ServiceTimeShape shape, SimHistogram first, SimHistogram? second = null)
    {
        ArgumentNullException.ThrowIfNull(first);
        if (_count <= 0)
        {
            return;
        }

        var fixedPart = _fixedSum / _count;
        var variable = _variableSum / _count;
        first.Observe(_count, fixedPart, variable, shape);
        second?.Observe(_count, fixedPart, variable, shape);
        _count = 0;
        _fixedSum = 0;
        _variableSum = 0;
    }
}
