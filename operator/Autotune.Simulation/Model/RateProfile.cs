namespace Autotune.Simulation.Model;

/// <summary>Offered load in requests per second as a function of simulated time (seconds from the start).</summary>
public sealed class RateProfile
{
    private readonly Func<double, double> _rate;

    private RateProfile(string description, Func<double, double> rate)
    {
        Description = description;
        _rate = rate;
    }

    /// <summary>A short human description ("constant 800 rps").</summary>
    public string Description { get; }

    /// <summary>The rate at <paramref name="seconds"/>, never negative.</summary>
    public double At(double seconds) => Math.Max(0, _rate(seconds));

    /// <summary>The same rate all the time.</summary>
    public static RateProfile Constant(double rps) => new($"constant {rps:0} rps", _ => rps);

    /// <summary>Linear from <paramref name="from"/> to <paramref name="to"/> over <paramref name="seconds"/>, then flat.</summary>
    public static RateProfile Ramp(double from, double to, double seconds) =>
        new($"ramp {from:0} -> {to:0} rps over {seconds / 60:0} min", t => t >= seconds ? to : from + ((to - from) * t / seconds));

    /// <summary>A base rate with a burst of <paramref name="peak"/> from <paramref name="startSeconds"/> for <paramref name="lengthSeconds"/>.</summary>
    public static RateProfile Spike(double baseRps, double peak, double startSeconds, double lengthSeconds) =>
        new($"{baseRps:0} rps with a {peak:0} rps spike at {startSeconds / 60:0} min for {lengthSeconds / 60:0.#} min",
            t => t >= startSeconds && t < startSeconds + lengthSeconds ? peak : baseRps);

    /// <summary>A day compressed into <paramref name="periodSeconds"/>: a sine between trough and peak, starting at the trough.</summary>
    public static RateProfile Diurnal(double trough, double peak, double periodSeconds) =>
        new($"diurnal {trough:0}..{peak:0} rps, period {periodSeconds / 60:0} min",
            t => trough + ((peak - trough) * 0.5 * (1 - Math.Cos(2 * Math.PI * t / periodSeconds))));

    /// <summary>A profile with idle gaps: no traffic for <paramref name="gapSeconds"/> every <paramref name="everySeconds"/>.</summary>
    public RateProfile WithIdleGaps(double everySeconds, double gapSeconds) =>
        new($"{Description}, idle {gapSeconds:0} s every {everySeconds / 60:0} min",
            t => t % everySeconds >= everySeconds - gapSeconds ? 0 : _rate(t));

    /// <summary>This profile scaled by <paramref name="factor"/>.</summary>
    public RateProfile Scaled(double factor) => new($"{Description} x{factor:0.##}", t => factor * _rate(t));
}
