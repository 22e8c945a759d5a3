using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>
/// Checks an ApiTuning spec and returns every problem at once, each naming its field and what to fix: the rules
/// the CRD schema states (so that local mode, where no API server checks them, gets the same answer) and the
/// cross-field rules (which the CRD states as CEL, and which are enforced here as well). Pure.
/// </summary>
public static class SpecValidator
{
    /// <summary>Validates a spec; the result carries the parsed durations when it is valid.</summary>
    public static ValidationResult Validate(ApiTuningSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new ProblemList();
        BoundsRules.Check(spec, SpecPaths.Spec, problems);
        if (HasMissingSection(spec))
        {
            // The field checks named each missing section; the cross-field rules need all of them.
            return Result(problems, null);
        }

        PacingRules.CheckObjectives(spec.Objectives, problems);
        KnobRules.Check(spec, problems);
        var maintenance = PostgresRules.Check(spec, problems);
        var window = MetricsRules.Check(spec.Metrics, problems);
        if (window is not { } parsed)
        {
            return Result(problems, null);
        }

        PacingRules.CheckBehavior(spec.Behavior, spec.Metrics.Window, parsed, problems);
        return Result(problems, new ValidatedSpec
        {
            Spec = spec,
            Window = parsed,
            ScrapeInterval = parsed / spec.Metrics.ScrapesPerWindow,
            Cooldown = TimeSpan.FromSeconds(spec.Behavior.CooldownSeconds),
            ScaleInStabilization = TimeSpan.FromSeconds(spec.Behavior.ScaleInStabilizationSeconds),
            MaintenanceWindow = maintenance,
        });
    }

    private static bool HasMissingSection(ApiTuningSpec spec) =>
        spec.TargetRef is null || spec.Objectives is null || spec.Metrics is null || spec.Knobs is null ||
        spec.Apply is null || spec.Behavior is null;

    private static ValidationResult Result(ProblemList problems, ValidatedSpec? validated)
    {
        // Sorted by field so that the same spec always reads the same; the sort is stable within a field.
        var ordered = problems.All.OrderBy(p => p.Field, StringComparer.Ordinal).ToList();
        return new ValidationResult { Problems = ordered, Spec = ordered.Count == 0 ? validated : null };
    }
}
