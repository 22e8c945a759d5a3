using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Decisions.Model;
using Autotune.Engine.Metrics.Windows;

namespace Autotune.Engine.Decisions.Pass;

/// <summary>The first half of a pass: what was observed, the decision, and what to apply for it.</summary>
public sealed record PassPlan
{
    /// <summary>The facts the pass started from.</summary>
    public required PassInput Input { get; init; }

    /// <summary>The metrics window built from the scrapes, or null when there were none.</summary>
    public ObservedWindow? Window { get; init; }

    /// <summary>The settings in force.</summary>
    public required Settings Current { get; init; }

    /// <summary>What the engine decided on (the effective spec, the ledger, the state).</summary>
    public required DecisionInput Decided { get; init; }

    /// <summary>The decision, held when the ledger's other members are still awaited.</summary>
    public required Decision Decision { get; init; }

    /// <summary>What the host must change, or null when the decision changes nothing.</summary>
    public ApplyOrder? Order { get; init; }

    /// <summary>The arbitration of the ApiTuning's DatabaseBudget this pass, or null when it has none (or the database is unknown).</summary>
    public Allocation? Allocation { get; init; }

    /// <summary>Connections ((replicas + surge) x pool) the ApiTuning asks of its DatabaseBudget, recorded for the others' arbitration.</summary>
    public int? Wants { get; init; }
}
