namespace Autotune.Load;

/// <summary>The intervals of one run, laid out from the plan: one accumulator per step and per second.</summary>
internal sealed class Timeline
{
    private const int StepDigits = 3;
    private const int SecondDigits = 2;

    public Timeline(LoadPlan plan)
    {
        var steps = new List<IntervalStats>();
        long start = 0;
        foreach (var (step, index) in plan.Steps.Select((s, i) => (s, i)))
        {
            var length = Ticks.From(step.Duration);
            steps.Add(new IntervalStats(index, step.Label, start, length, StepDigits));
            start += length;
        }

        Steps = steps;
        EndTicks = start;
        var second = (long)Ticks.PerSecond;
        Seconds = Enumerable.Range(0, (int)Math.Ceiling(start / Ticks.PerSecond))
            .Select(s => new IntervalStats(s, LabelAt(s * second), s * second, Math.Min(second, start - (s * second)), SecondDigits))
            .ToList();
    }

    public IReadOnlyList<IntervalStats> Steps { get; }

    public IReadOnlyList<IntervalStats> Seconds { get; }

    /// <summary>The end of the plan, in ticks from the run's origin.</summary>
    public long EndTicks { get; }

    /// <summary>The second a time (ticks from the origin) falls in, or null past the plan.</summary>
    public IntervalStats? SecondAt(long ticks)
    {
        var index = (long)(ticks / Ticks.PerSecond);
        return ticks >= 0 && index < Seconds.Count ? Seconds[(int)index] : null;
    }

    private string LabelAt(long ticks) => Steps.LastOrDefault(s => s.StartTicks <= ticks)?.Label ?? string.Empty;
}
