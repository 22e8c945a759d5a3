namespace Autotune.Engine.Resource.Spec;

/// <summary>The direction of a barred move as status records it (<c>status.learned.barred[].direction</c>).</summary>
public enum BarredDirection
{
    /// <summary>Raising the knob.</summary>
    Up,

    /// <summary>Lowering the knob.</summary>
    Down,
}
