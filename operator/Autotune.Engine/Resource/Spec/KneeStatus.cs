using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>One knob's knee as judged moves showed it at one load (<c>status.learned.knees</c>). Absent: not learned.</summary>
public sealed record KneeStatus
{
    /// <summary>The knob.</summary>
    public required Knob Knob { get; init; }

    /// <summary>The lowest value a raise to which was judged worse; raises stop below it at similar load.</summary>
    [Range(0, int.MaxValue)]
    public int? Knee { get; init; }

    /// <summary>The highest value a lowering to which was judged worse; lowerings stop above it at similar load.</summary>
    [Range(0, int.MaxValue)]
    public int? Floor { get; init; }

    /// <summary>The value that served the most requests per second at this load.</summary>
    [Range(0, int.MaxValue)]
    public int? Best { get; init; }

    /// <summary>Requests per second served at the best value.</summary>
    [Range(0d, double.MaxValue)]
    public double? BestRps { get; init; }

    /// <summary>Requests in flight in the window that served the best value.</summary>
    [Range(0d, double.MaxValue)]
    public double? BestInFlight { get; init; }

    /// <summary>Requests arriving per second when it was learned.</summary>
    [Range(0d, double.MaxValue)]
    public double? LoadRps { get; init; }

    /// <summary>Requests in flight when it was learned (closed-loop load).</summary>
    [Range(0d, double.MaxValue)]
    public double? InFlight { get; init; }

    /// <summary>When it was last learned.</summary>
    public DateTimeOffset? LearnedAt { get; init; }
}
