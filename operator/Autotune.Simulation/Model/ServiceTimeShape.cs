namespace Autotune.Simulation.Model;

/// <summary>
/// The spread of latencies among requests that share one tick's conditions: a fixed part (backlog waits) plus a
/// variable part times a unit-mean shifted exponential whose coefficient of variation is <see cref="Variability"/>.
/// </summary>
/// <param name="Variability">Coefficient of variation of the variable part, 0..1.</param>
public readonly record struct ServiceTimeShape(double Variability)
{
    /// <summary>Share of requests with latency at or under <paramref name="bound"/> when the fixed part is <paramref name="fixedPart"/> and the variable part's mean is <paramref name="variable"/>.</summary>
    public double Cdf(double bound, double fixedPart, double variable)
    {
        var x = bound - fixedPart;
        if (variable <= 0)
        {
            return x >= 0 ? 1 : 0;
        }

        var floor = (1 - Variability) * variable;
        if (x < floor)
        {
            return 0;
        }

        var tail = Variability * variable;
        return tail <= 0 ? 1 : 1 - Math.Exp(-(x - floor) / tail);
    }

    /// <summary>The latency below which <paramref name="share"/> of requests fall.</summary>
    public double Quantile(double share, double fixedPart, double variable) =>
        fixedPart + ((1 - Variability) * variable) - (Variability * variable * Math.Log(1 - share));
}
