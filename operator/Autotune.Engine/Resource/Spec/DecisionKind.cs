namespace Autotune.Engine.Resource.Spec;

/// <summary>What a decision does.</summary>
public enum DecisionKind
{
    /// <summary>Nothing changes; the reason says why.</summary>
    Hold,

    /// <summary>One knob moves from one value to another.</summary>
    Change,

    /// <summary>The last change is undone because it made things worse.</summary>
    Rollback,

    /// <summary>A change is advised (Recommend mode, or a knob in Recommend) but not made.</summary>
    Recommend,
}
