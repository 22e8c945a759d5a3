using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>Rules that tie objectives and pacing together: consistent objectives, cooldowns no shorter than a window.</summary>
internal static class PacingRules
{
    public static void CheckObjectives(Objectives objectives, ProblemList problems)
    {
        if (objectives.MaxPoolWaitMs >= objectives.P99LatencyMs && !problems.Has("spec.objectives"))
        {
            problems.Add(SpecPaths.MaxPoolWaitMs, $"{objectives.MaxPoolWaitMs} ms must be below p99LatencyMs ({objectives.P99LatencyMs} ms): a request's pool wait is part of its latency");
        }
    }

    /// <summary>A knob must not move again before one full window has judged its last change.</summary>
    public static void CheckBehavior(BehaviorSpec behavior, string windowText, TimeSpan window, ProblemList problems)
    {
        var seconds = (int)window.TotalSeconds;
        if (behavior.CooldownSeconds < seconds && !problems.Has(SpecPaths.Cooldown))
        {
            problems.Add(SpecPaths.Cooldown, $"{behavior.CooldownSeconds} is shorter than metrics.window ({windowText}): a change must be judged on a full window before the knob moves again; set it to at least {seconds}");
        }

        if (behavior.ScaleInStabilizationSeconds < seconds && !problems.Has(SpecPaths.ScaleInStabilization))
        {
            problems.Add(SpecPaths.ScaleInStabilization, $"{behavior.ScaleInStabilizationSeconds} is shorter than metrics.window ({windowText}): capacity is given back only after at least one full window under the objective; set it to at least {seconds}");
        }
    }
}
