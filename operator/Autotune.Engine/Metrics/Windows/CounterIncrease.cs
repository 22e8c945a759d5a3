namespace Autotune.Engine.Metrics.Windows;

/// <summary>
/// The increase of one counter series over successive scrapes, as PromQL's <c>increase()</c> counts it without
/// extrapolation: a value that fell is a reset, after which the new value counts from 0.
/// </summary>
internal struct CounterIncrease
{
    private double previous;
    private bool seen;

    /// <summary>Sum of the rises between scrapes.</summary>
    public double Increase { get; private set; }

    /// <summary>Times the value fell (the process restarted).</summary>
    public int Resets { get; private set; }

    /// <summary>
    /// Takes the next value. <paramref name="bornInWindow"/>: the pod answered an earlier scrape without this series, so
    /// the series started in the window (exporters write a series only after its first measurement) and counts from 0.
    /// </summary>
    public void Observe(double value, bool bornInWindow)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        if (!seen)
        {
            seen = true;
            Increase += bornInWindow ? value : 0;
        }
        else if (value < previous)
        {
            Resets++;
            Increase += value;
        }
        else
        {
            Increase += value - previous;
        }

        previous = value;
    }
}
