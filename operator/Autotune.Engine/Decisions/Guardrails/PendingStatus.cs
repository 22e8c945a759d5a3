namespace Autotune.Engine.Decisions.Guardrails;

/// <summary>Where the change in flight stands.</summary>
public enum PendingStatus
{
    /// <summary>No change in flight.</summary>
    None,

    /// <summary>Not every pod (or the server) reports it yet.</summary>
    AwaitingConfirmation,

    /// <summary>Confirmed; waiting for one full window after confirmation (a new pool warms).</summary>
    Warming,

    /// <summary>Not confirmed in time; given up.</summary>
    TimedOut,

    /// <summary>Judged and kept.</summary>
    Accepted,

    /// <summary>Judged worse at similar load; to be rolled back.</summary>
    Regressed,
}
