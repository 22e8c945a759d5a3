using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Diagnosis;

/// <summary>What diagnosis found: the bottleneck, whether the evidence suffices to act, and the numbers.</summary>
public sealed record Finding
{
    /// <summary>The bottleneck named.</summary>
    public required Bottleneck Bottleneck { get; init; }

    /// <summary>True when the evidence is enough to act on.</summary>
    public required bool Actionable { get; init; }

    /// <summary>When not actionable or nothing to do: the hold reason (a DecisionReasons constant).</summary>
    public string? HoldReason { get; init; }

    /// <summary>The evidence in words, with numbers ("pool wait p99 180 ms > 20 ms objective").</summary>
    public required string Summary { get; init; }

    /// <summary>
    /// True when the window is a collapse (<see cref="CollapseSignal"/>): the settings are sized from demand together,
    /// whatever the bottleneck named.
    /// </summary>
    public bool Collapse { get; init; }

    /// <summary>The numbers by name.</summary>
    public IReadOnlyDictionary<string, double> Evidence { get; init; } = new Dictionary<string, double>();

    /// <summary>A finding that says hold.</summary>
    public static Finding Hold(Bottleneck bottleneck, string reason, string summary, IReadOnlyDictionary<string, double> evidence) =>
        new() { Bottleneck = bottleneck, Actionable = false, HoldReason = reason, Summary = summary, Evidence = evidence };
}
