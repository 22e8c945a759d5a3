using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Metrics.Windows;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Engine.Decisions.Model;

/// <summary>Everything one decision rests on. The engine reads nothing else: no clock, no I/O.</summary>
public sealed record DecisionInput
{
    /// <summary>The ApiTuning, as namespace/name (its key in the database ledger).</summary>
    public required string ApiId { get; init; }

    /// <summary>The desired behaviour.</summary>
    public required ApiTuningSpec Spec { get; init; }

    /// <summary>The last metrics window, or null when none could be read.</summary>
    public ObservedWindow? Window { get; init; }

    /// <summary>The settings in force now (replicas of the workload, applied tuning, SHOW max_connections).</summary>
    public required Settings Current { get; init; }

    /// <summary>What the engine remembers for this ApiTuning.</summary>
    public TuningState State { get; init; } = TuningState.Empty;

    /// <summary>The ledger of the ApiTuning's database server; null when it has none or it is unknown.</summary>
    public DatabaseLedger? Ledger { get; init; }

    /// <summary>This ApiTuning's share of its DatabaseBudget; null when it has none (it may spend any free connection).</summary>
    public ConnectionShare? Share { get; init; }

    /// <summary>Now.</summary>
    public required DateTimeOffset Now { get; init; }
}
