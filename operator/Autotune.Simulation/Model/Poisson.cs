namespace Autotune.Simulation.Model;

/// <summary>Poisson draws from a seeded generator (exact for small means, normal approximation for large).</summary>
public static class Poisson
{
    /// <summary>A Poisson-distributed count with mean <paramref name="mean"/>.</summary>
    public static double Sample(Random random, double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }

        if (mean > 30)
        {
            // Box-Muller normal with the Poisson's mean and variance.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            return Math.Max(0, Math.Round(mean + (z * Math.Sqrt(mean))));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }

        return k;
    }
}
