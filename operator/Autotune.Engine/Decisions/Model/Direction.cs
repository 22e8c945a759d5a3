namespace Autotune.Engine.Decisions.Model;

/// <summary>Which way a knob moves.</summary>
public enum Direction
{
    /// <summary>To a larger value.</summary>
    Up,

    /// <summary>To a smaller value.</summary>
    Down,
}
