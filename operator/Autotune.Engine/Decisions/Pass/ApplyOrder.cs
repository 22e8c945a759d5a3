using Autotune.Contracts;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>What a pass asks its host to change: one knob, in the form its port takes.</summary>
public abstract record ApplyOrder
{
    private ApplyOrder()
    {
    }

    /// <summary>Set the workload's desired replicas.</summary>
    public sealed record Scale(int Replicas) : ApplyOrder;

    /// <summary>Deliver a new tuning file to every pod; the change is confirmed once every pod reports its generation.</summary>
    public sealed record DeliverTuning(TuningFile File) : ApplyOrder;

    /// <summary>
    /// ALTER SYSTEM SET max_connections; when SHOW does not read the new value yet, restart the server if
    /// <paramref name="RestartAllowed"/>, else leave the value pending (<paramref name="RestartRefused"/> says why).
    /// </summary>
    public sealed record SetMaxConnections(int To, bool RestartAllowed, string? RestartRefused) : ApplyOrder;

    /// <summary>
    /// Carry out each order in turn: what follows a max_connections order needs its room, so the host stops at the
    /// first order that fails or at a max_connections that SHOW does not read back, and reports that as a failure.
    /// </summary>
    public sealed record InTurn(IReadOnlyList<ApplyOrder> Orders) : ApplyOrder;
}
