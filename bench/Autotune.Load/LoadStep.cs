namespace Autotune.Load;

/// <summary>One step of a load plan: requests offered at a constant rate for a fixed time.</summary>
/// <param name="RatePerSecond">Requests per second offered, whatever the server answers (open loop).</param>
/// <param name="Duration">How long the step lasts.</param>
/// <param name="Label">A name for reports, e.g. "before" or "after".</param>
public sealed record LoadStep(double RatePerSecond, TimeSpan Duration, string Label = "")
{
    /// <summary>The number of requests the step offers.</summary>
    public long Requests => (long)Math.Round(RatePerSecond * Duration.TotalSeconds);
}
