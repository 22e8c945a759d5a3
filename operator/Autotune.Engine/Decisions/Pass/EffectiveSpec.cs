using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>
/// The spec as the engine should see it this pass: a knob that cannot be moved here is advised, not moved.
/// Replicas when the workload cannot be scaled (local mode with only metrics URLs, or an autoscaler owning them);
/// max_connections and the pool when the database that budgets them cannot be read, so nothing is changed blind.
/// </summary>
public static class EffectiveSpec
{
    /// <summary>The spec with the knobs that cannot move this pass set to Recommend.</summary>
    public static ApiTuningSpec For(ApiTuningSpec spec, bool canScale, bool databaseKnown)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var knobs = spec.Knobs;
        if (!canScale && knobs.Replicas is { } replicas)
        {
            knobs = knobs with { Replicas = replicas with { Mode = KnobMode.Recommend } };
        }

        if (!databaseKnown && spec.Postgres is not null)
        {
            if (knobs.PostgresMaxConnections is { } maxConnections)
            {
                knobs = knobs with { PostgresMaxConnections = maxConnections with { Mode = KnobMode.Recommend } };
            }

            if (knobs.DbMaxPoolSize is { } pool)
            {
                knobs = knobs with { DbMaxPoolSize = pool with { Mode = KnobMode.Recommend } };
            }
        }

        return ReferenceEquals(knobs, spec.Knobs) ? spec : spec with { Knobs = knobs };
    }
}
