namespace Autotune.Engine.Decisions.Budget;

/// <summary>What a pass leaves recorded for its ApiTuning in the server's ledger.</summary>
public abstract record LedgerChange
{
    private LedgerChange()
    {
    }

    /// <summary>Nothing changes: the claim of the change in flight stays.</summary>
    public static LedgerChange Keep { get; } = new KeepEntry();

    /// <summary>What the pass could not tell (replicas or pool unknown): nobody waits for this member any longer.</summary>
    public static LedgerChange Unknown { get; } = new UnknownEntry();

    /// <summary>The ApiTuning holds (and, with a transition, claims) <paramref name="Entry"/>.</summary>
    public sealed record Hold(LedgerEntry Entry) : LedgerChange;

    private sealed record KeepEntry : LedgerChange;

    private sealed record UnknownEntry : LedgerChange;
}
