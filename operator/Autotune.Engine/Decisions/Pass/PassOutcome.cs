using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>A whole pass: what it saw, decided and did, the state it leaves, and everything there is to report.</summary>
public sealed record PassOutcome
{
    /// <summary>The first half of the pass.</summary>
    public required PassPlan Plan { get; init; }

    /// <summary>True when the decision changed the world.</summary>
    public required bool Applied { get; init; }

    /// <summary>Why applying failed, or null.</summary>
    public string? ApplyError { get; init; }

    /// <summary>What the engine remembers after this pass (what status keeps).</summary>
    public required TuningState State { get; init; }

    /// <summary>What this ApiTuning now holds in its server's ledger.</summary>
    public required LedgerChange Ledger { get; init; }

    /// <summary>The Events of this pass, in order.</summary>
    public required IReadOnlyList<TuningEvent> Events { get; init; }

    /// <summary>The facts the pass started from.</summary>
    public PassInput Input => Plan.Input;

    /// <summary>The decision.</summary>
    public Decision Decision => Plan.Decision;

    /// <summary>The metrics window, or null.</summary>
    public ObservedWindow? Window => Plan.Window;

    /// <summary>The settings in force when the pass began.</summary>
    public Settings Current => Plan.Current;
}
