using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>
/// What judged moves of one knob have taught about this API at one load: the knee above which a raise made things
/// worse, the floor below which a lowering did, and the value that served the most. Too many threads context-switch and
/// too many connections contend inside the database, so each knob has a knee; a raise to or past it at similar load is
/// never made again, and a knob that sits above the best value while serving less comes back down.
/// </summary>
public sealed record KnobKnee
{
    /// <summary>The knob.</summary>
    public required Knob Knob { get; init; }

    /// <summary>The lowest value a raise to which was judged worse (and rolled back); null when none was.</summary>
    public int? Knee { get; init; }

    /// <summary>The highest value a lowering to which was judged worse (and rolled back); null when none was.</summary>
    public int? Floor { get; init; }

    /// <summary>The value that served the most requests per second at this load; null when none was judged yet.</summary>
    public int? Best { get; init; }

    /// <summary>Requests per second served at <see cref="Best"/> (NaN when unknown).</summary>
    public double BestRps { get; init; } = double.NaN;

    /// <summary>Requests in flight in the window that served <see cref="Best"/> (NaN when not exported).</summary>
    public double BestInFlight { get; init; } = double.NaN;

    /// <summary>Requests arriving per second when this was learned: it holds at similar load.</summary>
    public double LoadRps { get; init; } = double.NaN;

    /// <summary>Requests in flight when this was learned (closed-loop load: similar concurrency); NaN when not exported.</summary>
    public double InFlight { get; init; } = double.NaN;

    /// <summary>When it was last learned.</summary>
    public DateTimeOffset LearnedAt { get; init; }
}
