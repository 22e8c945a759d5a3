using Autotune.Engine.Decisions.Model;

namespace Autotune.Engine.Decisions.Policy;

/// <summary>What the policy wants: new settings (planned into steps afterwards) with the reason, or a hold.</summary>
internal sealed record Proposal
{
    /// <summary>A DecisionReasons constant: the change's reason, or the hold's.</summary>
    public required string Reason { get; init; }

    /// <summary>The evidence and sizing in words, with numbers.</summary>
    public required string Why { get; init; }

    /// <summary>The settings wanted; null for a hold.</summary>
    public Settings? Target { get; init; }

    /// <summary>True when every step to <see cref="Target"/> is applied in this pass, in order (one decision, several knobs).</summary>
    public bool Together { get; init; }

    /// <summary>Connections ((replicas + surge) x pool) wanted before the server's budget limits them; null: those of <see cref="Target"/>.</summary>
    public int? Wants { get; init; }

    /// <summary>A proposal to change settings.</summary>
    public static Proposal Change(string reason, string why, Settings target) => new() { Reason = reason, Why = why, Target = target };

    /// <summary>A proposal to hold.</summary>
    public static Proposal Hold(string reason, string why) => new() { Reason = reason, Why = why };
}
