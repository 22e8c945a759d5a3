using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>The best the API has shown uncontended (<c>status.learned.baseline</c>). Absent: not measured.</summary>
public sealed record BaselineStatus
{
    /// <summary>Uncontended median request time, milliseconds.</summary>
    [Range(0d, double.MaxValue)]
    public double? ServiceMs { get; init; }

    /// <summary>Uncontended mean connection hold time, milliseconds.</summary>
    [Range(0d, double.MaxValue)]
    public double? HoldMs { get; init; }
}
