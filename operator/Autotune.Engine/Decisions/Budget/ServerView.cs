namespace Autotune.Engine.Decisions.Budget;

/// <summary>One ApiTuning's view of its database server's ledger before a pass.</summary>
/// <param name="Others">What every other member holds and claims.</param>
/// <param name="Awaited">Other members that joined and have not recorded a holding yet.</param>
/// <param name="Members">Members of the server, this ApiTuning included (each holds one admin connection).</param>
/// <param name="Mine">What this ApiTuning itself last recorded, if anything (what it wanted of its DatabaseBudget).</param>
public sealed record ServerView(IReadOnlyList<LedgerEntry> Others, IReadOnlyList<string> Awaited, int Members, LedgerEntry? Mine = null)
{
    /// <summary>The view of a server nobody else uses.</summary>
    public static ServerView Alone { get; } = new([], [], 1);
}
