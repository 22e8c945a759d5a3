using Autotune.Engine.Decisions.Budget;
using Autotune.Engine.Resource.Spec;

namespace Autotune.Operator.Ports;

/// <summary>The DatabaseBudget an ApiTuning names (spec.postgres.budgetRef): read before a pass, its allocation reported after.</summary>
public interface IDatabaseBudget
{
    /// <summary>
    /// Reads and checks the budget: it exists, is valid, and shares the server of the ApiTuning's own admin Secret.
    /// Throws a <see cref="Reconcile.SafeFailureException"/> saying what to fix otherwise.
    /// </summary>
    Task<SharedBudget> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Writes the allocation to the budget's status when it changed.</summary>
    Task ReportAsync(DatabaseBudgetStatus status, Allocation allocation, CancellationToken cancellationToken);
}
