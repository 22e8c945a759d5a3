using System.ComponentModel.DataAnnotations;

namespace Autotune.Engine.Resource.Spec;

/// <summary>A weekly maintenance window in UTC.</summary>
public sealed record MaintenanceWindow
{
    /// <summary>The day names, in schema order.</summary>
    public static readonly IReadOnlyList<string> AllDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>Days the window opens: Mon, Tue, Wed, Thu, Fri, Sat, Sun (default every day).</summary>
    [Length(1, 7)]
    [ItemsAllowedValues("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    public IReadOnlyList<string> Days { get; init; } = AllDays;

    /// <summary>Opening time, "HH:mm" UTC.</summary>
    [Length(5, 5)]
    [RegularExpression(SpecPatterns.TimeOfDay, ErrorMessage = "a time of day HH:mm (00:00 to 23:59)")]
    public required string StartUtc { get; init; }

    /// <summary>Length in minutes.</summary>
    [Range(10, 1440)]
    public int DurationMinutes { get; init; } = 60;
}
