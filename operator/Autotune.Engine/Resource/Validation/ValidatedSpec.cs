using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Resource.Validation;

/// <summary>
/// A spec that passed <see cref="SpecValidator"/>, with its durations parsed so that the engine never reparses
/// strings. Only the validator creates one.
/// </summary>
public sealed record ValidatedSpec
{
    internal ValidatedSpec()
    {
    }

    /// <summary>The spec as written (defaults filled).</summary>
    public required ApiTuningSpec Spec { get; init; }

    /// <summary>The metrics window (<c>spec.metrics.window</c>).</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Time between two scrapes: the window over <c>spec.metrics.scrapesPerWindow</c>.</summary>
    public required TimeSpan ScrapeInterval { get; init; }

    /// <summary>Least time between two changes of one knob (<c>spec.behavior.cooldownSeconds</c>).</summary>
    public required TimeSpan Cooldown { get; init; }

    /// <summary>How long the service must be under its objective before capacity is given back.</summary>
    public required TimeSpan ScaleInStabilization { get; init; }

    /// <summary>When the database may be restarted; null unless <c>spec.postgres.maintenanceWindow</c> is set.</summary>
    public WeeklyWindow? MaintenanceWindow { get; init; }
}
