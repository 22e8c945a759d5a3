namespace Autotune.Demo.Proof;

/// <summary>
/// The ramp every phase climbs: geometric steps (about 15% each) from a profile's start rate, with no ceiling below
/// what the machine could possibly serve; the climb stops once P99 or errors fail, and the knee is the highest rate held.
/// </summary>
public static class KneeRamp
{
    /// <summary>Each step offers this much more than the one before.</summary>
    public const double DefaultGrowth = 1.15;

    /// <summary>Far above what two cores serve (about 40k cached req/s measured with wrk): the climb ends on a miss, never here.</summary>
    public const double Ceiling = 200_000;

    /// <summary>The rates from <paramref name="start"/> up to <paramref name="ceiling"/>, each <paramref name="growth"/> times the one before (whole req/s, strictly rising).</summary>
    public static IReadOnlyList<double> Rates(double start, double growth = DefaultGrowth, double ceiling = Ceiling)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(start, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(growth, 1);
        var rates = new List<double>();
        for (var rate = start; rate <= ceiling; rate *= growth)
        {
            var rounded = Math.Round(rate);
            if (rates.Count == 0 || rounded > rates[^1])
            {
                rates.Add(rounded);
            }
        }

        return rates;
    }

    /// <summary>Steps a ramp from <paramref name="start"/> runs to reach <paramref name="knee"/> and miss the step above it.</summary>
    public static int StepsTo(double start, double knee, double growth = DefaultGrowth) =>
        knee <= start ? 1 : (int)Math.Ceiling(Math.Log(knee / start) / Math.Log(growth)) + 2;

    /// <summary>The median, lowest and highest of the repeats (NaN for none).</summary>
    public static Spread SpreadOf(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count == 0
            ? new Spread(double.NaN, double.NaN, double.NaN, 0)
            : new Spread(ProofScore.Median(values), values.Min(), values.Max(), values.Count);
    }
}

/// <summary>The median of repeated knees with their range.</summary>
/// <param name="Median">The median.</param>
/// <param name="Min">The lowest.</param>
/// <param name="Max">The highest.</param>
/// <param name="Count">How many repeats.</param>
public sealed record Spread(double Median, double Min, double Max, int Count)
{
    /// <summary>"median [min-max]" in whole req/s, or "-".</summary>
    public override string ToString() =>
        double.IsNaN(Median) ? "-"
        : Count == 1 ? FormattableString.Invariant($"{Median:0}")
        : FormattableString.Invariant($"{Median:0} [{Min:0}-{Max:0}]");
}
