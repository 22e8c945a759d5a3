namespace Autotune.Engine.Decisions.Pass;

/// <summary>An Event: Normal or Warning, a CamelCase reason and a one-line message with the numbers.</summary>
public sealed record TuningEvent(DateTimeOffset Time, string Type, string Reason, string Message)
{
    /// <summary>Event type for what went as intended.</summary>
    public const string Normal = "Normal";

    /// <summary>Event type for a refusal, a fault or a rollback.</summary>
    public const string Warning = "Warning";
}
