using Autotune.Engine.Resource.Spec;

namespace Autotune.Simulation.Control;

/// <summary>One setting a controller wants changed on one API of the scenario.</summary>
/// <param name="ApiIndex">Index of the API in the scenario.</param>
/// <param name="Knob">The knob.</param>
/// <param name="Value">Its new value.</param>
/// <param name="Reason">Why, in one line.</param>
public sealed record KnobChange(int ApiIndex, Knob Knob, int Value, string Reason)
{
    /// <summary>For max_connections: whether the server may be restarted for it (null: as the spec's restart policy says).</summary>
    public bool? Restart { get; init; }

    /// <summary>For minimum threads and the pool: the shedding deadline the tuning file carries (null: as it was).</summary>
    public int? ShedAfterMs { get; init; }
}
