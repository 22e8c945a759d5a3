using Autotune.Load;

namespace Autotune.Demo;

/// <summary>The same ramp at the starting settings and at the settings reached, step by step.</summary>
public sealed record BeforeAfter(PhaseResult Before, PhaseResult After, double ObjectiveMs)
{
    /// <summary>The steps side by side (before, after), in ramp order.</summary>
    public IEnumerable<(IntervalReport Before, IntervalReport After, int Index)> Pairs =>
        Before.Steps.Zip(After.Steps).Select((p, i) => (p.First, p.Second, i));

    /// <summary>The highest offered rate a phase held (P99 at or under the objective, errors at most 0.1%), or 0.</summary>
    public double HighestHeld(PhaseResult phase) =>
        phase.Steps.Where(s => s.Held(ObjectiveMs, maxSendLagMs: double.PositiveInfinity)).Select(s => Math.Round(s.OfferedRate)).DefaultIfEmpty(0).Max();

    /// <summary>Steps where the generator itself was late (send-lag P99 over 5 ms): their latencies include its lateness.</summary>
    public IEnumerable<IntervalReport> LateSteps =>
        Before.Steps.Concat(After.Steps).Where(s => s.SendLagP99Ms > 5);
}
