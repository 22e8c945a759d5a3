namespace Autotune.Load;

/// <summary>A stepped load: the steps run back to back, each at its own constant arrival rate.</summary>
public sealed record LoadPlan
{
    /// <summary>Creates a plan; every step needs a positive rate and duration.</summary>
    public LoadPlan(IReadOnlyList<LoadStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            throw new ArgumentException("a load plan needs at least one step", nameof(steps));
        }

        foreach (var step in steps)
        {
            if (!(step.RatePerSecond > 0) || double.IsInfinity(step.RatePerSecond))
            {
                throw new ArgumentException($"step rate must be a positive number, not {step.RatePerSecond}", nameof(steps));
            }

            if (step.Duration <= TimeSpan.Zero)
            {
                throw new ArgumentException($"step duration must be positive, not {step.Duration}", nameof(steps));
            }
        }

        Steps = steps;
    }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<LoadStep> Steps { get; }

    /// <summary>The time the plan takes, without the wait for the last answers.</summary>
    public TimeSpan Duration => Steps.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    /// <summary>Evenly spaced rates from <paramref name="from"/> to <paramref name="to"/>, each held for <paramref name="stepDuration"/>.</summary>
    public static IReadOnlyList<LoadStep> Ramp(double from, double to, int steps, TimeSpan stepDuration, string label = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return Enumerable.Range(0, steps)
            .Select(i => new LoadStep(steps == 1 ? from : from + ((to - from) * i / (steps - 1)), stepDuration, label))
            .ToList();
    }
}
